"""System checks for the printed briefing: are there fonts to print Chinese with?"""

from django.core.checks import Error, Warning, register

from . import fonts

FONT_HINT = (
    "安装 fonts-noto-cjk（以及 fonts-lxgw-wenkai 或 fonts-arphic-ukai），"
    "或把本单位有授权的字体文件（.ttf/.otf/.ttc）放入 BRIEFING_FONTS_DIR 指定的目录。"
)


@register("briefing")
def check_print_fonts(app_configs=None, **kwargs):
    if not fonts.available_cjk_families():
        return [
            Error(
                "没有可用的中文字体：简报 PDF 无法生成（字形会变成空白方框）。",
                hint=FONT_HINT,
                id="briefing.E001",
            )
        ]
    missing = fonts.missing_roles()
    if missing:
        labels = "、".join(fonts.role_label(role) for role in missing)
        return [
            Warning(
                f"以下字体角色在其字体列表中找不到已安装的字体，将由系统默认字体代替：{labels}。",
                hint=FONT_HINT
                + " 字体列表见设置 "
                + "、".join(fonts.ROLES[role][0] for role in missing)
                + "。",
                id="briefing.W001",
            )
        ]
    return []
