"""The item and issue workflows: every state, every allowed move, and who may
make it.

These tables are the single source of truth. The services in
``briefing.services.items`` and ``briefing.services.issues`` look up each move
here before changing anything, the views ask them which buttons to show, and
the matrix tests walk all of them.

Roles are relative to the item:

- ``clerk``     信息员 of the item's unit
- ``reviewer``  单位审核人 of the item's unit
- ``editor``    any user holding ``briefing.edit_briefing``
- ``holder``    the editor who has claimed the item (领取)
- ``signer``    签发人 (only publishing, at issue sign-off)
- ``admin``     管理员 (may release an item someone else holds)
"""

from dataclasses import dataclass

from briefing.models import Issue, Item
from core import roles

S = Item.Status

CLERK = "clerk"
REVIEWER = "reviewer"
EDITOR = "editor"
HOLDER = "holder"
SIGNER = "signer"
ADMIN = "admin"

ROLE_LABELS = {
    CLERK: "本单位信息员",
    REVIEWER: "本单位审核人",
    EDITOR: "编辑",
    HOLDER: "领取该稿的编辑",
    SIGNER: "签发人",
    ADMIN: "管理员",
}


@dataclass(frozen=True)
class Transition:
    move: str
    source: str
    target: str
    roles: frozenset[str]


def _t(move, sources, target, *who):
    return [Transition(move, source, target, frozenset(who)) for source in sources]


# Moves and their Chinese names (also the ItemEvent.action values).
MOVES = {
    "edit": "修改",
    "submit": "提交",
    "approve": "审核通过",
    "withdraw": "撤回",
    "claim": "领取",
    "release": "释放",
    "editor_save": "编辑修改",
    "return": "退回",
    "not_use": "不采用",
    "adopt": "采用",
    "place": "编入本期",
    "to_pool": "移回待编池",
    "unadopt": "撤销采用",
    "remove_from_issue": "撤出本期",
    "publish": "刊发",
}

# Timeline entries that are not moves of the workflow: the item's status stays.
OTHER_EVENTS = {
    "create": "新建",
    "correct": "更正",
    "instruction": "领导批示",
    "instruction_signed": "批示已签收",
    "instruction_feedback": "批示落实反馈",
    "duplicate_proceed": "疑似重复·不是重复",
    "duplicate_merge": "疑似重复·合并",
}

# An adopted item waits in the pool (已采用，待编入) until an editor places it
# into an issue: status 已采用 with no issue. The table treats it as a state of
# its own (``state_of``), so each move from it is a row the matrix test walks.
POOLED = "adopted_pooled"
STATE_LABELS = {**dict(S.choices), POOLED: "已采用（待编入）"}

# "submit" goes to PENDING_REVIEW when the unit has requires_unit_review
# (unless the item is urgent and the unit has urgent_skips_review),
# otherwise straight to SUBMITTED; the table lists the default target.
TRANSITIONS: list[Transition] = [
    *_t("edit", [S.DRAFT, S.RETURNED, S.WITHDRAWN], "", CLERK),
    *_t("submit", [S.DRAFT, S.RETURNED, S.WITHDRAWN], S.SUBMITTED, CLERK),
    *_t("approve", [S.PENDING_REVIEW], S.SUBMITTED, REVIEWER),
    *_t("withdraw", [S.PENDING_REVIEW, S.SUBMITTED], S.WITHDRAWN, CLERK),
    *_t("claim", [S.SUBMITTED, S.NOT_USED], S.EDITING, EDITOR),
    *_t("release", [S.EDITING], S.SUBMITTED, HOLDER, ADMIN),
    *_t("editor_save", [S.EDITING], "", HOLDER),
    *_t("editor_save", [S.ADOPTED, POOLED], "", EDITOR),
    *_t("return", [S.PENDING_REVIEW], S.RETURNED, REVIEWER),
    *_t("return", [S.SUBMITTED], S.RETURNED, EDITOR),
    *_t("return", [S.EDITING], S.RETURNED, HOLDER),
    *_t("not_use", [S.SUBMITTED], S.NOT_USED, EDITOR),
    *_t("not_use", [S.EDITING], S.NOT_USED, HOLDER),
    # 采用 into an issue being composed, or (no issue chosen) into the pool.
    *_t("adopt", [S.SUBMITTED], S.ADOPTED, EDITOR),
    *_t("adopt", [S.EDITING], S.ADOPTED, HOLDER),
    *_t("place", [POOLED], S.ADOPTED, EDITOR),
    *_t("to_pool", [S.ADOPTED], POOLED, EDITOR),
    *_t("unadopt", [POOLED], S.EDITING, EDITOR),
    *_t("remove_from_issue", [S.ADOPTED], S.EDITING, EDITOR),
    *_t("publish", [S.ADOPTED], S.PUBLISHED, SIGNER),
]
# An empty target means the move keeps the state (a save).

_BY_KEY = {(t.move, t.source): t for t in TRANSITIONS}

# What the people concerned expect next, shown in the lists.
NEXT_STEP = {
    S.DRAFT: "信息员完善后提交",
    S.PENDING_REVIEW: "等待单位审核人审核",
    S.SUBMITTED: "等待编辑处理",
    S.EDITING: "编辑正在处理",
    S.ADOPTED: "等待本期签发",
    POOLED: "等待编入一期",
    S.PUBLISHED: "已随简报刊发",
    S.RETURNED: "信息员按意见修改后重新提交",
    S.NOT_USED: "无需操作",
    S.WITHDRAWN: "信息员可修改后重新提交",
}

# States in which the editors see an item at all (the rest only when it has
# reached them before: submitted_at is set).
EDITOR_STATES = {S.SUBMITTED, S.EDITING, S.ADOPTED, S.PUBLISHED, S.NOT_USED}


def transition(move: str, source: str) -> Transition | None:
    return _BY_KEY.get((move, source))


def state_of(item) -> str:
    """The item's state in the table: its status, or POOLED for an adopted
    item not yet placed into an issue."""
    if item.status == S.ADOPTED and item.issue_id is None:
        return POOLED
    return item.status


def roles_of(user, item) -> set[str]:
    """The workflow roles ``user`` holds towards ``item``."""
    if user is None or not user.is_authenticated:
        return set()
    held = set()
    m = roles.membership(user)
    if m is not None and m.department_id == item.department_id:
        held.add(CLERK if m.role == m.Role.CLERK else REVIEWER)
    if roles.is_editor(user):
        held.add(EDITOR)
        if item.claimed_by_id == user.pk:
            held.add(HOLDER)
    if roles.is_signer(user):
        held.add(SIGNER)
    if roles.is_admin(user):
        held.add(ADMIN)
    return held


def allows(user, item, move: str) -> bool:
    """Whether ``user`` may make ``move`` on ``item`` in its current state."""
    t = transition(move, state_of(item))
    return t is not None and bool(t.roles & roles_of(user, item))


def available_moves(user, item) -> list[str]:
    """The moves ``user`` may make on ``item`` now (for showing buttons)."""
    held = roles_of(user, item)
    return [
        move
        for move in MOVES
        if (t := transition(move, state_of(item))) is not None and t.roles & held
    ]


# -- the issue -----------------------------------------------------------------

IS = Issue.Status

# The state "before" a new issue: 新建 is the only move from it.
NEW_ISSUE = ""

# Moves and their Chinese names. 组版 stands for every change of content,
# order, date, distribution and 密级 (and taking items in or out); the
# IssueEvent.action values are finer (update, reorder_sections, ...).
ISSUE_MOVES = {
    "create": "新建",
    "compose": "组版",
    "submit": "提交签发",
    "send_back": "退回",
    "sign_off": "签发",
    "correct": "发布更正版",
}

# Roles here are global (an issue belongs to no unit): EDITOR, SIGNER, ADMIN.
ISSUE_TRANSITIONS: list[Transition] = [
    *_t("create", [NEW_ISSUE], IS.DRAFT, EDITOR),
    *_t("compose", [IS.DRAFT], "", EDITOR),
    *_t("submit", [IS.DRAFT], IS.PENDING_SIGNOFF, EDITOR),
    *_t("send_back", [IS.PENDING_SIGNOFF], IS.DRAFT, SIGNER),
    *_t("sign_off", [IS.PENDING_SIGNOFF], IS.ISSUED, SIGNER),
    *_t("correct", [IS.ISSUED], "", SIGNER, ADMIN),
]

_ISSUE_BY_KEY = {(t.move, t.source): t for t in ISSUE_TRANSITIONS}
_ISSUE_MOVE_ROLES = {
    move: frozenset().union(*(t.roles for t in ISSUE_TRANSITIONS if t.move == move))
    for move in ISSUE_MOVES
}


def issue_transition(move: str, status: str) -> Transition | None:
    """The issue move ``move`` from ``status``, or None where the table has none."""
    return _ISSUE_BY_KEY.get((move, status))


def issue_roles_of(user) -> set[str]:
    """The workflow roles ``user`` holds towards every issue."""
    if user is None or not user.is_authenticated:
        return set()
    held = set()
    if roles.is_editor(user):
        held.add(EDITOR)
    if roles.is_signer(user):
        held.add(SIGNER)
    if roles.is_admin(user):
        held.add(ADMIN)
    return held


def may_make_issue_move(user, move: str) -> bool:
    """Whether ``user`` holds a role that makes ``move`` in some state (the
    services ask this first, before they lock the issue)."""
    return bool(_ISSUE_MOVE_ROLES[move] & issue_roles_of(user))


def issue_allows(user, issue, move: str) -> bool:
    """Whether ``user`` may make ``move`` on ``issue`` (None: a new issue) now."""
    status = NEW_ISSUE if issue is None else issue.status
    t = issue_transition(move, status)
    return t is not None and bool(t.roles & issue_roles_of(user))
