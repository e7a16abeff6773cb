"""Who gets which status from every URL of the project: the access matrix.

One entry per URL name; the test walks the URL resolver and fails when a URL
is missing here, so a new view cannot ship without saying who may use it.

An entry is one case or a list of cases. A case has
- "args": path parameters, by the name of an object of tests/security/world.py
  (or a literal value);
- "GET" and/or "POST": the expected status for each role, in the order of
  ``world.ROLES``. POST requests carry no data: enough to show who is refused
  (404 for objects outside the user's scope), not a workflow test.
A case with "POST" but no "GET" is a POST-only view: the test also checks that
GET answers 405.

Status codes: 200 page, 302 redirect (anonymous: to the login page), 400 form
with errors, 403 refused (CSRF or admin), 404 not found / not yours, 405 wrong
method, 429 locked out.
"""

(
    ANON,
    CLERK_A,
    CLERK_B,
    REVIEWER_A,
    EDITOR,
    SIGNER,
    READER,
    READER_OUTSIDE,
    ADMIN,
    AUDITOR,
) = range(10)


def R(*statuses):  # noqa: N802 (reads as a table row)
    """A row of statuses, one per role in world.ROLES order:
    anonymous, clerk_a, clerk_b, reviewer_a, editor, signer, reader,
    reader_outside, admin, auditor
    """
    from .world import ROLES

    assert len(statuses) == len(ROLES), statuses
    return dict(zip(ROLES, statuses, strict=True))


def cases_of(entry):
    return entry if isinstance(entry, list) else [entry]


# Left out of the walk, each for a reason:
# The Django admin has its own permission system (is_staff + model
# permissions), tested in tests/core and tests/security/test_audit.py.
EXCLUDED_NAMESPACES = {"admin"}
EXCLUDED_MODULES = (
    "django.contrib.admin",
    # Third-party views: the CKEditor 5 upload is tested on its own
    # (test_ckeditor_upload_refuses_anonymous_users).
    "django_ckeditor_5",
)

# Roles that see every issue (drafts included): editor, signer, admin.
EVERYONE_LOGGED_IN = R(302, 200, 200, 200, 200, 200, 200, 200, 200, 200)

EXPECTATIONS = {
    # --- core: routing, health, login, password -----------------------------
    "home": {"GET": R(302, 302, 302, 302, 302, 302, 302, 302, 302, 302)},
    "healthz": {"GET": R(200, 200, 200, 200, 200, 200, 200, 200, 200, 200)},
    # The admin's home on the site (links to what they manage).
    "manage_home": {"GET": R(302, 404, 404, 404, 404, 404, 404, 404, 200, 404)},
    # Logged-in users are sent on from the login page (redirect_authenticated_user).
    "login": {
        "GET": R(200, 302, 302, 302, 302, 302, 302, 302, 302, 302),
        "POST": R(200, 302, 302, 302, 302, 302, 302, 302, 302, 302),
    },
    # Logout is POST only (Django 5); anonymous POST is harmless.
    "logout": {"POST": R(302, 302, 302, 302, 302, 302, 302, 302, 302, 302)},
    "password_change": {
        "GET": EVERYONE_LOGGED_IN,
        "POST": EVERYONE_LOGGED_IN,
    },
    "password_change_done": {"GET": EVERYONE_LOGGED_IN},
    # Two-step verification, with OTP_REQUIRED_FOR_ROLES off and no devices in
    # the world: nothing to verify, so everyone is sent on (home); anyone may
    # enroll of their own will (an empty POST starts it: a new secret, then back
    # to the page). With the setting on: tests/security/test_otp.py.
    "otp_verify": {
        "GET": R(302, 302, 302, 302, 302, 302, 302, 302, 302, 302),
        "POST": R(302, 302, 302, 302, 302, 302, 302, 302, 302, 302),
    },
    "otp_setup": {
        "GET": EVERYONE_LOGGED_IN,
        "POST": R(302, 302, 302, 302, 302, 302, 302, 302, 302, 302),
    },
    # --- audit: the 审计员 only ------------------------------------------------
    "audit:event_list": {"GET": R(302, 404, 404, 404, 404, 404, 404, 404, 404, 200)},
    "audit:event_export": [
        {
            "args": {"fmt": "csv"},
            "GET": R(302, 404, 404, 404, 404, 404, 404, 404, 404, 200),
        },
        {
            "args": {"fmt": "xlsx"},
            "GET": R(302, 404, 404, 404, 404, 404, 404, 404, 404, 200),
        },
    ],
    # --- briefing: items --------------------------------------------------------
    "briefing:my_items": {"GET": R(302, 200, 200, 200, 404, 404, 404, 404, 404, 404)},
    # Admins see the items that reached the editors (briefing.permissions).
    "briefing:inbox": {"GET": R(302, 404, 404, 404, 200, 404, 404, 404, 200, 404)},
    # 批量处理: editors only (the admin sees the inbox but makes no moves);
    # the editor's empty POST comes back to the inbox with a message.
    "briefing:inbox_batch": {
        "POST": R(302, 404, 404, 404, 302, 404, 404, 404, 404, 404)
    },
    # Unit A's clerk writes; the unit's own members see its items (the reviewer
    # not its drafts); editors and admins those that reached the editors.
    "briefing:item_create": {
        "GET": R(302, 200, 200, 404, 404, 404, 404, 404, 404, 404),
        "POST": R(302, 200, 200, 404, 404, 404, 404, 404, 404, 404),
    },
    "briefing:item_detail": [
        {
            "args": {"pk": "item_a_draft"},
            "GET": R(302, 200, 404, 404, 404, 404, 404, 404, 404, 404),
        },
        {
            "args": {"pk": "item_a_review"},
            "GET": R(302, 200, 404, 200, 404, 404, 404, 404, 404, 404),
        },
        {
            "args": {"pk": "item_a_submitted"},
            "GET": R(302, 200, 404, 200, 200, 404, 404, 404, 200, 404),
        },
        {
            "args": {"pk": "item_a_returned"},
            "GET": R(302, 200, 404, 200, 200, 404, 404, 404, 200, 404),
        },
        {
            "args": {"pk": "item_b_submitted"},
            "GET": R(302, 404, 200, 404, 200, 404, 404, 404, 200, 404),
        },
        # Signers and readers read issues, not item pages.
        {
            "args": {"pk": "item_in_issued"},
            "GET": R(302, 404, 200, 404, 200, 404, 404, 404, 200, 404),
        },
    ],
    "briefing:item_diff": [
        {
            "args": {"pk": "item_a_draft"},
            "GET": R(302, 200, 404, 404, 404, 404, 404, 404, 404, 404),
        },
        {
            "args": {"pk": "item_a_submitted"},
            "GET": R(302, 200, 404, 200, 200, 404, 404, 404, 200, 404),
        },
        {
            "args": {"pk": "item_b_submitted"},
            "GET": R(302, 404, 200, 404, 200, 404, 404, 404, 200, 404),
        },
    ],
    # 疑似重复 comparison: only for who may see both items.
    "briefing:item_duplicate": [
        {
            "args": {"pk": "item_a_submitted", "other_pk": "item_b_submitted"},
            "GET": R(302, 404, 404, 404, 200, 404, 404, 404, 200, 404),
        },
        {
            "args": {"pk": "item_a_submitted", "other_pk": "item_a_returned"},
            "GET": R(302, 200, 404, 200, 200, 404, 404, 404, 200, 404),
        },
    ],
    # Editors decide (no reason sent: the form comes back with its error).
    "briefing:item_duplicate_proceed": {
        "args": {"pk": "item_a_submitted", "other_pk": "item_b_submitted"},
        "POST": R(302, 404, 404, 404, 400, 404, 404, 404, 404, 404),
    },
    # The clerk's form: only the unit's clerk, only in 草稿/已退回/已撤回.
    "briefing:item_edit": [
        {
            "args": {"pk": "item_a_draft"},
            "GET": R(302, 200, 404, 404, 404, 404, 404, 404, 404, 404),
            "POST": R(302, 200, 404, 404, 404, 404, 404, 404, 404, 404),
        },
        {
            "args": {"pk": "item_a_returned"},
            "GET": R(302, 200, 404, 404, 404, 404, 404, 404, 404, 404),
        },
        {
            "args": {"pk": "item_a_submitted"},
            "GET": R(302, 404, 404, 404, 404, 404, 404, 404, 404, 404),
        },
    ],
    # The editor's copy-edit: adopted items of an issue not yet signed.
    "briefing:item_editor_edit": [
        {
            "args": {"pk": "item_in_draft"},
            "GET": R(302, 404, 404, 404, 200, 404, 404, 404, 404, 404),
            "POST": R(302, 404, 404, 404, 200, 404, 404, 404, 404, 404),
        },
        {
            "args": {"pk": "item_a_submitted"},
            "GET": R(302, 404, 404, 404, 404, 404, 404, 404, 404, 404),
        },
        # An issued item: editors are told it is issued and where 更正 is.
        {
            "args": {"pk": "item_a_published"},
            "GET": R(302, 404, 404, 404, 302, 404, 404, 404, 404, 404),
        },
    ],
    # Moves: whoever sees the item gets the service's answer (a message and a
    # redirect back); whoever does not, 404.
    "briefing:item_move": [
        {
            "args": {"pk": "item_a_draft", "move": "submit"},
            "POST": R(302, 302, 404, 404, 404, 404, 404, 404, 404, 404),
        },
        {
            "args": {"pk": "item_a_review", "move": "approve"},
            "POST": R(302, 302, 404, 302, 404, 404, 404, 404, 404, 404),
        },
        {
            "args": {"pk": "item_b_submitted", "move": "claim"},
            "POST": R(302, 404, 302, 404, 302, 404, 404, 404, 302, 404),
        },
        {
            "args": {"pk": "item_a_submitted", "move": "bogus"},
            "POST": R(302, 404, 404, 404, 404, 404, 404, 404, 404, 404),
        },
    ],
    # 作为专报编发: an editor makes the 专报 issue and lands on it; the admin and
    # unit B's clerk see the item but are refused (a message, back to the item);
    # an ordinary item is refused to the editor too.
    "briefing:item_make_special": [
        {
            "args": {"pk": "item_b_urgent"},
            "POST": R(302, 404, 302, 404, 302, 404, 404, 404, 302, 404),
        },
        {
            "args": {"pk": "item_b_submitted"},
            "POST": R(302, 404, 302, 404, 302, 404, 404, 404, 302, 404),
        },
    ],
    "briefing:attachment_download": [
        {
            "args": {"pk": "item_a_submitted", "attachment_pk": "attachment_a"},
            "GET": R(302, 200, 404, 200, 200, 404, 404, 404, 200, 404),
        },
        # Unit A's attachment asked for under unit B's item.
        {
            "args": {"pk": "item_b_submitted", "attachment_pk": "attachment_a"},
            "GET": R(302, 404, 404, 404, 404, 404, 404, 404, 404, 404),
        },
    ],
    "briefing:attachment_delete": {
        "args": {"pk": "item_a_submitted", "attachment_pk": "attachment_a"},
        "POST": R(302, 302, 404, 302, 302, 404, 404, 404, 302, 404),
    },
    # An image in unit A's submitted item: those who see the item.
    "briefing:editor_image": [
        {
            "args": {"name": "0123456789abcdef0123456789abcdef.png"},
            "GET": R(302, 200, 404, 200, 200, 404, 404, 404, 200, 404),
        },
        # An image in unit A's item printed in the issued issue: the unit, and
        # whoever may read the issue (reader_outside may not).
        {
            "args": {"name": "fedcba9876543210fedcba9876543210.png"},
            "GET": R(302, 200, 404, 200, 200, 200, 200, 404, 200, 404),
        },
        {
            "args": {"name": "ffffffffffffffffffffffffffffffff.png"},
            "GET": R(302, 404, 404, 404, 404, 404, 404, 404, 404, 404),
        },
    ],
    # Our own view under the package's URL name (config/urls.py): unit members
    # and editors may upload (400: no file sent), everyone else 403.
    "ck_editor_5_upload_file": {
        "POST": R(302, 400, 400, 400, 400, 403, 403, 403, 403, 403),
    },
    # --- notifications ----------------------------------------------------------
    "notifications:list": {"GET": EVERYONE_LOGGED_IN},
    "notifications:mark_read": {
        "args": {"pk": "notification_editor"},
        "POST": R(302, 404, 404, 404, 302, 404, 404, 404, 404, 404),
    },
    "notifications:mark_all_read": {
        "POST": R(302, 302, 302, 302, 302, 302, 302, 302, 302, 302),
    },
    # --- assessment (信息工作考核) ------------------------------------------------
    # Editors and admins see every unit; a unit member is sent to their unit.
    "assessment:statistics": {
        "GET": R(302, 302, 302, 302, 200, 404, 404, 404, 200, 404)
    },
    "assessment:export": [
        {
            "args": {"fmt": "csv"},
            "GET": R(302, 404, 404, 404, 200, 404, 404, 404, 200, 404),
        },
        {
            "args": {"fmt": "xlsx"},
            "GET": R(302, 404, 404, 404, 200, 404, 404, 404, 200, 404),
        },
    ],
    "assessment:unit": [
        {
            "args": {"department_id": "unit_a"},
            "GET": R(302, 200, 404, 200, 200, 404, 404, 404, 200, 404),
        },
        {
            "args": {"department_id": "unit_b"},
            "GET": R(302, 404, 200, 404, 200, 404, 404, 404, 200, 404),
        },
    ],
    "assessment:drill": [
        {
            "args": {"department_id": "unit_a", "metric": "submitted"},
            "GET": R(302, 200, 404, 200, 200, 404, 404, 404, 200, 404),
        },
        {
            "args": {"department_id": "unit_b", "metric": "higher"},
            "GET": R(302, 404, 200, 404, 200, 404, 404, 404, 200, 404),
        },
    ],
    # Records (合报, 上级采用, 批示) are kept by editors only.
    "assessment:records": {"GET": R(302, 404, 404, 404, 200, 404, 404, 404, 404, 404)},
    "assessment:item": [
        {
            "args": {"item_id": "item_b_submitted"},
            "GET": R(302, 404, 404, 404, 200, 404, 404, 404, 404, 404),
        },
        # A unit's draft never reached the office: no records on it.
        {
            "args": {"item_id": "item_a_draft"},
            "GET": R(302, 404, 404, 404, 404, 404, 404, 404, 404, 404),
        },
    ],
    # No shares sent: the service answers with a message and a redirect.
    "assessment:item_credits": {
        "args": {"item_id": "item_b_submitted"},
        "POST": R(302, 404, 404, 404, 302, 404, 404, 404, 404, 404),
    },
    # Merge two units' 疑似重复 into one 合报 item: editors only.
    "assessment:merge": {
        "args": {"kept_id": "item_a_submitted", "other_id": "item_b_submitted"},
        "POST": R(302, 404, 404, 404, 302, 404, 404, 404, 404, 404),
    },
    "assessment:item_higher": {
        "args": {"item_id": "item_b_submitted"},
        "POST": R(302, 404, 404, 404, 200, 404, 404, 404, 404, 404),
    },
    "assessment:item_instruction": {
        "args": {"item_id": "item_b_submitted"},
        "POST": R(302, 404, 404, 404, 200, 404, 404, 404, 404, 404),
    },
    "assessment:delete_record": {
        "args": {"kind": "higher", "record_id": "higher_record"},
        "POST": R(302, 404, 404, 404, 302, 404, 404, 404, 404, 404),
    },
    # Scoring rules: the system admin.
    "assessment:rules": {"GET": R(302, 404, 404, 404, 404, 404, 404, 404, 200, 404)},
    "assessment:rule_new": {
        "GET": R(302, 404, 404, 404, 404, 404, 404, 404, 200, 404),
        "POST": R(302, 404, 404, 404, 404, 404, 404, 404, 200, 404),
    },
    "assessment:rule_edit": {
        "args": {"rule_set_id": "rule_set"},
        "GET": R(302, 404, 404, 404, 404, 404, 404, 404, 200, 404),
    },
    # 通报: drafts for editors and admins (only editors write); issued ones
    # also for unit members and readers (the signer reads too).
    "assessment:bulletins": {
        # The list: every 通报 for editors and admins, the issued ones for the rest.
        "GET": R(302, 200, 200, 200, 200, 200, 200, 200, 200, 404),
        "POST": R(302, 404, 404, 404, 200, 404, 404, 404, 404, 404),
    },
    "assessment:bulletin_detail": [
        {
            "args": {"bulletin_id": "bulletin_draft"},
            "GET": R(302, 404, 404, 404, 200, 404, 404, 404, 200, 404),
            "POST": R(302, 404, 404, 404, 200, 404, 404, 404, 404, 404),
        },
        {
            "args": {"bulletin_id": "bulletin_issued"},
            "GET": R(302, 200, 200, 200, 200, 200, 200, 200, 200, 404),
            "POST": R(302, 404, 404, 404, 404, 404, 404, 404, 404, 404),
        },
    ],
    "assessment:bulletin_file": [
        {
            "args": {"bulletin_id": "bulletin_draft", "fmt": "docx"},
            "GET": R(302, 404, 404, 404, 200, 404, 404, 404, 200, 404),
        },
        {
            "args": {"bulletin_id": "bulletin_issued", "fmt": "docx"},
            "GET": R(302, 200, 200, 200, 200, 200, 200, 200, 200, 404),
        },
    ],
    # --- briefing: issues -------------------------------------------------------
    # The list is there for every reader; it holds only what they may read.
    "briefing:issue_list": {"GET": R(302, 404, 404, 404, 200, 200, 200, 200, 200, 404)},
    "briefing:issue_create": {
        "GET": R(302, 404, 404, 404, 200, 404, 404, 404, 404, 404),
        "POST": R(302, 404, 404, 404, 200, 404, 404, 404, 404, 404),
    },
    # Drafts and pending issues: editor, signer, admin; issued: also the readers
    # and units its distribution names (not reader_outside, not unit B).
    "briefing:issue_detail": [
        {
            "args": {"pk": "issue_draft"},
            "GET": R(302, 404, 404, 404, 200, 200, 404, 404, 200, 404),
        },
        {
            "args": {"pk": "issue_pending"},
            "GET": R(302, 404, 404, 404, 200, 200, 404, 404, 200, 404),
        },
        {
            "args": {"pk": "issue_issued"},
            "GET": R(302, 200, 404, 200, 200, 200, 200, 404, 200, 404),
        },
    ],
    # Composing: editors only, on a draft; everyone else 404.
    "briefing:issue_update": {
        "args": {"pk": "issue_draft"},
        "POST": R(302, 404, 404, 404, 400, 404, 404, 404, 404, 404),
    },
    "briefing:issue_section_order": {
        "args": {"pk": "issue_draft"},
        "POST": R(302, 404, 404, 404, 302, 404, 404, 404, 404, 404),
    },
    # No direction sent: 400 for the editor.
    "briefing:issue_section_move": {
        "args": {"pk": "issue_draft", "section_pk": "issue_section_draft"},
        "POST": R(302, 404, 404, 404, 400, 404, 404, 404, 404, 404),
    },
    # The world's section has an item: the editor is refused with a message.
    "briefing:issue_section_remove": {
        "args": {"pk": "issue_draft", "section_pk": "issue_section_draft"},
        "POST": R(302, 404, 404, 404, 302, 404, 404, 404, 404, 404),
    },
    "briefing:issue_item_order": {
        "args": {"pk": "issue_draft", "section_pk": "section"},
        "POST": R(302, 404, 404, 404, 302, 404, 404, 404, 404, 404),
    },
    "briefing:issue_item_move": {
        "args": {"pk": "issue_draft", "item_pk": "item_in_draft"},
        "POST": R(302, 404, 404, 404, 400, 404, 404, 404, 404, 404),
    },
    "briefing:issue_item_section": {
        "args": {"pk": "issue_draft", "item_pk": "item_in_draft"},
        "POST": R(302, 404, 404, 404, 302, 404, 404, 404, 404, 404),
    },
    "briefing:issue_item_remove": {
        "args": {"pk": "issue_draft", "item_pk": "item_in_draft"},
        "POST": R(302, 404, 404, 404, 302, 404, 404, 404, 404, 404),
    },
    "briefing:issue_item_to_pool": {
        "args": {"pk": "issue_draft", "item_pk": "item_in_draft"},
        "POST": R(302, 404, 404, 404, 302, 404, 404, 404, 404, 404),
    },
    # 编入本期 from the pool: the editor's empty POST is refused with a message.
    "briefing:issue_item_place": {
        "args": {"pk": "issue_draft", "item_pk": "item_a_submitted"},
        "POST": R(302, 404, 404, 404, 302, 404, 404, 404, 404, 404),
    },
    # Previews: those who see every issue; readers read the issued PDF instead.
    "briefing:issue_preview": [
        {
            "args": {"pk": "issue_draft"},
            "GET": R(302, 404, 404, 404, 200, 200, 404, 404, 200, 404),
        },
        {
            "args": {"pk": "issue_issued"},
            "GET": R(302, 404, 404, 404, 200, 200, 404, 404, 200, 404),
        },
    ],
    "briefing:issue_preview_pdf": {
        "args": {"pk": "issue_draft"},
        "GET": R(302, 404, 404, 404, 200, 200, 404, 404, 200, 404),
    },
    "briefing:issue_submit": {
        "args": {"pk": "issue_draft"},
        "POST": R(302, 404, 404, 404, 302, 404, 404, 404, 404, 404),
    },
    # Signers sign; editors and admins see the issue and are refused with a
    # message (302 back to it); others do not see it.
    "briefing:issue_sign_off": {
        "args": {"pk": "issue_pending"},
        "POST": R(302, 404, 404, 404, 302, 302, 404, 404, 302, 404),
    },
    "briefing:issue_send_back": {
        "args": {"pk": "issue_pending"},
        "POST": R(302, 404, 404, 404, 400, 400, 404, 404, 400, 404),
    },
    # The 更正 page is the signer's and the admin's (an empty form is a 400);
    # editors and readers see the issue but not this page.
    "briefing:issue_correct": {
        "args": {"pk": "issue_issued"},
        "GET": R(302, 404, 404, 404, 404, 200, 404, 404, 200, 404),
        "POST": R(302, 404, 404, 404, 404, 400, 404, 404, 400, 404),
    },
    # The .docx: editors and signers only (it carries no reader's mark).
    "briefing:issue_document_docx": [
        {
            "args": {"pk": "issue_issued", "document_pk": "document"},
            "GET": R(302, 404, 404, 404, 200, 200, 404, 404, 404, 404),
        },
        {
            "args": {"pk": "issue_draft", "document_pk": "document"},
            "GET": R(302, 404, 404, 404, 404, 404, 404, 404, 404, 404),
        },
    ],
    "briefing:issue_document_download": [
        {
            "args": {"pk": "issue_issued", "document_pk": "document"},
            "GET": R(302, 200, 404, 200, 200, 200, 200, 404, 200, 404),
        },
        # A document asked for under another issue's id.
        {
            "args": {"pk": "issue_draft", "document_pk": "document"},
            "GET": R(302, 404, 404, 404, 404, 404, 404, 404, 404, 404),
        },
    ],
    # --- reading: leaders and units read issued issues online ------------------
    # Who reads (readers, the units' clerks and reviewers, and editors,
    # signers, admins who read every issue); a reader or unit member sees only
    # issued issues whose distribution names them or their unit, so
    # reader_outside and clerk_b (unit B is not named) get 404 wherever reader
    # and clerk_a get 200. Unsigned issues are never on the reading pages
    # (editors have the briefing pages for them).
    "reading:home": {"GET": R(302, 200, 200, 200, 200, 200, 200, 200, 200, 404)},
    # A year with nothing the user may read answers 404.
    "reading:year": [
        {
            "args": {"year": 2026},
            "GET": R(302, 200, 404, 200, 200, 200, 200, 404, 200, 404),
        },
        {
            "args": {"year": 2025},
            "GET": R(302, 404, 404, 404, 404, 404, 404, 404, 404, 404),
        },
    ],
    "reading:issue": [
        {
            "args": {"pk": "issue_issued"},
            "GET": R(302, 200, 404, 200, 200, 200, 200, 404, 200, 404),
        },
        {
            "args": {"pk": "issue_pending"},
            "GET": R(302, 404, 404, 404, 404, 404, 404, 404, 404, 404),
        },
        {
            "args": {"pk": "issue_draft"},
            "GET": R(302, 404, 404, 404, 404, 404, 404, 404, 404, 404),
        },
    ],
    "reading:document": [
        {
            "args": {"pk": "issue_issued", "document_pk": "document"},
            "GET": R(302, 200, 404, 200, 200, 200, 200, 404, 200, 404),
        },
        # The issued PDF asked for under an unsigned issue's id.
        {
            "args": {"pk": "issue_draft", "document_pk": "document"},
            "GET": R(302, 404, 404, 404, 404, 404, 404, 404, 404, 404),
        },
    ],
    # 已阅 receipts and reminders: the editors, on issued issues.
    "reading:receipts": [
        {
            "args": {"pk": "issue_issued"},
            "GET": R(302, 404, 404, 404, 200, 404, 404, 404, 404, 404),
        },
        {
            "args": {"pk": "issue_pending"},
            "GET": R(302, 404, 404, 404, 404, 404, 404, 404, 404, 404),
        },
    ],
    # The reader has not read the issue yet: the editor's reminder goes out
    # (a message and a redirect to the receipts).
    "reading:remind": [
        {
            "args": {"pk": "issue_issued"},
            "POST": R(302, 404, 404, 404, 302, 404, 404, 404, 404, 404),
        },
        {
            "args": {"pk": "issue_pending"},
            "POST": R(302, 404, 404, 404, 404, 404, 404, 404, 404, 404),
        },
    ],
    # 批示: readers holding reading.write_instruction, on an item of an issue
    # they may read (an empty form is a 400); nobody else, and no item outside
    # the issue.
    "reading:instruction_create": [
        {
            "args": {"pk": "issue_issued", "item_pk": "item_a_published"},
            "POST": R(302, 404, 404, 404, 404, 404, 400, 404, 404, 404),
        },
        {
            "args": {"pk": "issue_issued", "item_pk": "item_in_draft"},
            "POST": R(302, 404, 404, 404, 404, 404, 404, 404, 404, 404),
        },
        {
            "args": {"pk": "issue_draft", "item_pk": "item_in_draft"},
            "POST": R(302, 404, 404, 404, 404, 404, 404, 404, 404, 404),
        },
    ],
    # The editors' list of every 批示 (a leader is sent on to 我的批示); the
    # units' inbox of theirs; 我的批示, for those who may write one.
    "reading:instruction_list": {
        "GET": R(302, 404, 404, 404, 200, 404, 302, 302, 404, 404),
    },
    "reading:my_instructions": {
        "GET": R(302, 404, 404, 404, 404, 404, 200, 200, 404, 404),
    },
    "reading:unit_inbox": {"GET": R(302, 200, 200, 200, 404, 404, 404, 404, 404, 404)},
    # A 批示 on unit A's item: unit A, the leader who wrote it, and those who
    # see every issue; not unit B, not another leader.
    "reading:instruction_detail": [
        {
            "args": {"pk": "instruction_pending"},
            "GET": R(302, 200, 404, 200, 200, 200, 200, 404, 200, 404),
        },
        {
            "args": {"pk": "instruction_answered"},
            "GET": R(302, 200, 404, 200, 200, 200, 200, 404, 200, 404),
        },
        # Sent on (转办) to unit B: unit B sees it too.
        {
            "args": {"pk": "instruction_transferred"},
            "GET": R(302, 200, 200, 200, 200, 200, 200, 404, 200, 404),
        },
    ],
    # Only the item's unit signs and feeds back; everyone else 404. On an
    # answered 批示 the unit gets the service's refusal (a message, 302).
    "reading:instruction_sign": [
        {
            "args": {"pk": "instruction_pending"},
            "POST": R(302, 302, 404, 302, 404, 404, 404, 404, 404, 404),
        },
        {
            "args": {"pk": "instruction_answered"},
            "POST": R(302, 302, 404, 302, 404, 404, 404, 404, 404, 404),
        },
        # 转办: unit B signs for its own part (unit A is refused: fed back).
        {
            "args": {"pk": "instruction_transferred"},
            "POST": R(302, 302, 302, 302, 404, 404, 404, 404, 404, 404),
        },
    ],
    # No text sent: the unit gets the form back with errors (400).
    "reading:instruction_feedback": [
        {
            "args": {"pk": "instruction_pending"},
            "POST": R(302, 400, 404, 400, 404, 404, 404, 404, 404, 404),
        },
        {
            "args": {"pk": "instruction_transferred"},
            "POST": R(302, 400, 400, 400, 404, 404, 404, 404, 404, 404),
        },
    ],
    "reading:feedback_attachment": [
        {
            "args": {
                "pk": "instruction_answered",
                "attachment_pk": "feedback_attachment",
            },
            "GET": R(302, 200, 404, 200, 200, 200, 200, 404, 200, 404),
        },
        # Unit A's feedback on a 批示 sent on to unit B too: unit B handles
        # the 批示 but reads only its own feedback.
        {
            "args": {
                "pk": "instruction_transferred",
                "attachment_pk": "feedback_attachment_transferred",
            },
            "GET": R(302, 200, 404, 200, 200, 200, 200, 404, 200, 404),
        },
        # The file asked for under another 批示.
        {
            "args": {
                "pk": "instruction_pending",
                "attachment_pk": "feedback_attachment",
            },
            "GET": R(302, 404, 404, 404, 404, 404, 404, 404, 404, 404),
        },
    ],
    # Readers and unit members search what they may read, editors every item
    # (the hits are scoped in reading.search; tests/reading/test_search.py).
    "reading:search": {"GET": R(302, 200, 200, 200, 200, 200, 200, 200, 200, 404)},
    # --- 约稿与催报: editors manage; the units asked see theirs ------------------
    "commissions:list": {"GET": R(302, 404, 404, 404, 200, 404, 404, 404, 404, 404)},
    # No data sent: the editor gets the form back with errors (200).
    "commissions:create": {
        "GET": R(302, 404, 404, 404, 200, 404, 404, 404, 404, 404),
        "POST": R(302, 404, 404, 404, 200, 404, 404, 404, 404, 404),
    },
    # A 约稿 asking unit A only: unit A's members and editors; unit B 404.
    "commissions:detail": {
        "args": {"pk": "commission_a"},
        "GET": R(302, 200, 404, 200, 200, 404, 404, 404, 404, 404),
    },
    # No data sent: the editor gets the form back with errors (200).
    "commissions:edit": {
        "args": {"pk": "commission_a"},
        "GET": R(302, 404, 404, 404, 200, 404, 404, 404, 404, 404),
        "POST": R(302, 404, 404, 404, 200, 404, 404, 404, 404, 404),
    },
    "commissions:remind": {
        "args": {"pk": "commission_a"},
        "POST": R(302, 404, 404, 404, 302, 404, 404, 404, 404, 404),
    },
    # Only a clerk of a unit asked writes an answer (a draft, then its form).
    "commissions:answer": {
        "args": {"pk": "commission_a"},
        "POST": R(302, 302, 404, 404, 404, 404, 404, 404, 404, 404),
    },
    # --- 上报: editors only; everyone else 404 -----------------------------------
    "submissions:list": {"GET": R(302, 404, 404, 404, 200, 404, 404, 404, 404, 404)},
    # No data sent: the editor gets the form back with errors (200).
    "submissions:new": {
        "GET": R(302, 404, 404, 404, 200, 404, 404, 404, 404, 404),
        "POST": R(302, 404, 404, 404, 200, 404, 404, 404, 404, 404),
    },
    "submissions:detail": {
        "args": {"submission_id": "submission"},
        "GET": R(302, 404, 404, 404, 200, 404, 404, 404, 404, 404),
    },
    "submissions:file": {
        "args": {"submission_id": "submission"},
        "GET": R(302, 404, 404, 404, 200, 404, 404, 404, 404, 404),
    },
    "submissions:entry_file": [
        {
            "args": {"submission_id": "submission", "item_id": "item_a_published"},
            "GET": R(302, 404, 404, 404, 200, 404, 404, 404, 404, 404),
        },
        # An item that is not in this 上报.
        {
            "args": {"submission_id": "submission", "item_id": "item_b_submitted"},
            "GET": R(302, 404, 404, 404, 404, 404, 404, 404, 404, 404),
        },
    ],
    # --- 出刊日历: editors see all; unit members the 截稿 and their 约稿 -------
    "planning:month": {"GET": R(302, 200, 200, 200, 200, 404, 404, 404, 404, 404)},
    "planning:month_of": [
        {
            "args": {"year": 2026, "month": 12},
            "GET": R(302, 200, 200, 200, 200, 404, 404, 404, 404, 404),
        },
        # Out of range: no such month for anyone.
        {
            "args": {"year": 2026, "month": 13},
            "GET": R(302, 404, 404, 404, 404, 404, 404, 404, 404, 404),
        },
    ],
    # A planned issue: only editors open, move or cancel it; no data sent to
    # move or cancel gives the editor the page back with errors (200).
    "planning:plan_detail": {
        "args": {"pk": "plan"},
        "GET": R(302, 404, 404, 404, 200, 404, 404, 404, 404, 404),
    },
    "planning:plan_move": {
        "args": {"pk": "plan"},
        "POST": R(302, 404, 404, 404, 200, 404, 404, 404, 404, 404),
    },
    "planning:plan_cancel": {
        "args": {"pk": "plan"},
        "POST": R(302, 404, 404, 404, 200, 404, 404, 404, 404, 404),
    },
    "planning:plan_open": {
        "args": {"pk": "plan"},
        "POST": R(302, 404, 404, 404, 302, 404, 404, 404, 404, 404),
    },
}
