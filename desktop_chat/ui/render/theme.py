"""Light and dark themes: Qt's Fusion style with our palette, following the OS by default."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from desktop_chat.ui.render.markdown import Palette


@dataclass(frozen=True)
class Theme:
    dark: bool
    window: str
    surface: str  # sidebar, composer
    text: str
    muted: str
    accent: str
    button: str  # filled buttons (white text)
    user_bubble: str
    thinking_background: str
    border: str
    code_background: str
    error: str
    pygments_style: str

    @property
    def markdown(self) -> Palette:
        return Palette(text=self.text, muted=self.muted, code_background=self.code_background,
                       border=self.border, link=self.accent,
                       pygments_style=self.pygments_style)


LIGHT = Theme(dark=False, window="#ffffff", surface="#f5f6f8", text="#1f2328", muted="#6a737d",
              accent="#2563eb", button="#2563eb",
              user_bubble="#e8eefc", thinking_background="#f6f7f9",
              border="#d8dde3", code_background="#f3f4f6", error="#b42318",
              pygments_style="friendly")
DARK = Theme(dark=True, window="#1e1f22", surface="#26282c", text="#e6e7e9", muted="#9aa0a6",
             accent="#7aa7ff", button="#3567d6",
             user_bubble="#2f3b55", thinking_background="#25272b",
             border="#3a3d42", code_background="#2b2d31", error="#ff8a80",
             pygments_style="monokai")


def system_prefers_dark() -> bool:
    hints = QGuiApplication.styleHints()
    return hints.colorScheme() == Qt.ColorScheme.Dark


def resolve(theme_setting: str) -> Theme:
    if theme_setting == "dark" or (theme_setting == "system" and system_prefers_dark()):
        return DARK
    return LIGHT


def apply(app: QApplication, theme: Theme) -> None:
    app.setStyle("Fusion")
    palette = QPalette()
    roles = {
        QPalette.ColorRole.Window: theme.window,
        QPalette.ColorRole.WindowText: theme.text,
        QPalette.ColorRole.Base: theme.window,
        QPalette.ColorRole.AlternateBase: theme.surface,
        QPalette.ColorRole.Text: theme.text,
        QPalette.ColorRole.Button: theme.surface,
        QPalette.ColorRole.ButtonText: theme.text,
        QPalette.ColorRole.Highlight: theme.accent,
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.Link: theme.accent,
        QPalette.ColorRole.PlaceholderText: theme.muted,
        QPalette.ColorRole.ToolTipBase: theme.surface,
        QPalette.ColorRole.ToolTipText: theme.text,
    }
    for role, color in roles.items():
        palette.setColor(role, QColor(color))
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text, QColor(theme.muted))
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText,
                     QColor(theme.muted))
    app.setPalette(palette)
    app.setStyleSheet(stylesheet(theme))


def stylesheet(theme: Theme) -> str:
    t = theme
    return f"""
    #sidebar {{ background: {t.surface}; border-right: 1px solid {t.border}; }}
    #conversationList {{ background: transparent; border: none; }}
    #conversationList::item {{ padding: 8px 10px; border-radius: 6px; }}
    #conversationList::item:selected {{ background: {t.user_bubble}; color: {t.text}; }}
    #conversationSearch {{ padding: 6px 8px; border: 1px solid {t.border}; border-radius: 6px;
        background: {t.window}; }}
    #conversationView, #conversationView > QWidget > QWidget {{ background: {t.window}; }}
    #userMessage {{ background: {t.user_bubble}; border-radius: 12px; }}
    #thinkingPanel {{ background: {t.thinking_background}; border: 1px solid {t.border};
        border-radius: 8px; }}
    #thinkingHeader {{ border: none; color: {t.muted}; text-align: left; padding: 4px 6px;
        font-weight: 600; background: transparent; }}
    #thinkingText {{ color: {t.muted}; }}
    #messageFooter QLabel {{ color: {t.muted}; }}
    #messageError {{ color: {t.error}; }}
    #messageFooter QToolButton {{ border: none; color: {t.muted}; padding: 2px 6px; }}
    #messageFooter QToolButton:hover {{ color: {t.accent}; }}
    #messageFooter QToolButton:disabled {{ color: {t.border}; }}
    #messageEditInput {{ border: 1px solid {t.accent}; border-radius: 10px; padding: 6px;
        background: {t.user_bubble}; }}
    #messageEditHint {{ color: {t.muted}; }}
    #composer {{ background: {t.surface}; border-top: 1px solid {t.border}; }}
    #messageInput {{ border: 1px solid {t.border}; border-radius: 10px; padding: 6px;
        background: {t.window}; }}
    #sendButton, #stopButton {{ border-radius: 10px; padding: 8px 16px; font-weight: 600; }}
    #sendButton, #emptyStateGetModelButton {{ background: {t.button}; color: white;
        border: none; }}
    #emptyStateGetModelButton {{ border-radius: 8px; padding: 8px 18px; font-weight: 600; }}
    #modelStatus {{ border-left: 1px solid {t.border}; padding-left: 10px; }}
    #replyStats {{ color: {t.muted}; }}
    #sendButton:disabled {{ background: {t.border}; color: {t.muted}; }}
    #stopButton {{ background: {t.surface}; border: 1px solid {t.border}; }}
    """
