"""What the frozen bundle leaves out: the trim list of packaging/parkcarbon.spec.

The program uses only QtCore, QtGui, QtWidgets and QtPrintSupport (打印预览), draws with
the bundled font, and never opens a network connection, so the Qt modules, plugins and translations it cannot
use and Python's ``ssl`` are dropped.  Kept free of PyInstaller imports so that the test can read it.
"""

from __future__ import annotations

from pathlib import PurePath

QT_MODULES_USED = ("QtCore", "QtGui", "QtWidgets", "QtPrintSupport")

EXCLUDED_MODULES = [
    # Qt modules the program never imports (PySide6-Essentials ships them; a hook may pull them in).
    *(
        f"PySide6.{name}"
        for name in (
            "QtNetwork", "QtDBus", "QtOpenGL", "QtOpenGLWidgets", "QtSvg", "QtSvgWidgets", "QtSql", "QtTest",
            "QtXml", "QtConcurrent", "QtQml", "QtQuick", "QtQuickWidgets", "QtQuickControls2",
            "QtQuickTest", "QtDesigner", "QtUiTools", "QtHelp", "QtMultimedia", "QtMultimediaWidgets",
            "QtWebEngineCore", "QtWebEngineWidgets", "QtWebChannel", "QtWebSockets", "QtBluetooth", "QtNfc",
            "QtPositioning", "QtSensors", "QtSerialPort", "QtCharts", "QtDataVisualization", "Qt3DCore",
            "QtStateMachine", "QtTextToSpeech", "QtPdf", "QtPdfWidgets", "QtSpatialAudio", "QtHttpServer",
        )
    ),
    # The program never opens a network connection; nothing it runs needs a GUI toolkit other than Qt.
    "ssl", "_ssl", "tkinter", "_tkinter", "unittest", "pydoc_data", "lib2to3", "xmlrpc", "ftplib",
    "smtplib", "imaplib", "poplib", "http.server",
    # Test and development tools that may be installed beside the program.
    "pytest", "_pytest", "hypothesis", "numpy", "IPython",  # (PIL stays: reportlab needs it; pypdf: review)
]  # fmt: skip

# Qt plugin folders kept, and which plugins in them: the platform the window runs on (xcb/wayland on Linux,
# windows on Windows; offscreen/minimal for smoke tests and remote sessions), the native Windows style, and
# the image formats a Qt widget may meet (PNG is built into QtGui).
_KEPT_PLUGINS = {
    "platforms": ("qwindows", "qxcb", "qoffscreen", "qminimal", "qwayland", "qwayland-generic", "qwayland-egl"),
    "styles": ("qmodernwindowsstyle", "qwindowsvistastyle"),
    "imageformats": ("qico", "qjpeg", "qgif"),
    "printsupport": ("windowsprintersupport", "cupsprintersupport"),  # the printers 打印预览 prints on
    "platforminputcontexts": ("composeplatforminputcontextplugin", "ibusplatforminputcontextplugin"),
    "xcbglintegrations": ("qxcb-glx-integration", "qxcb-egl-integration"),
    "wayland-shell-integration": ("xdg-shell",),
    "wayland-decoration-client": ("bradient",),
    "wayland-graphics-integration-client": ("qt-plugin-wayland-egl",),
}
# Qt libraries dropped whatever pulled them in (their Python modules are excluded above).
# (Qt6DBus stays: QtGui links it on Linux.)
_DROPPED_LIBRARIES = (
    "Qt6Network", "Qt6OpenGL", "Qt6Svg", "Qt6Pdf", "Qt6Qml", "Qt6Quick", "Qt6EglFS", "Qt6EglFs", "opengl32sw",
)  # fmt: skip
_KEPT_TRANSLATIONS = ("qtbase_zh_CN.qm",)


def _plugin(parts: tuple[str, ...]) -> tuple[str, str] | None:
    """``(folder, plugin stem)`` for a path inside Qt's plugins folder, else None."""
    if "plugins" not in parts:
        return None
    i = parts.index("plugins")
    if len(parts) < i + 3:
        return None
    stem = parts[-1].split(".")[0]
    return parts[i + 1], stem[3:] if stem.startswith("lib") else stem


def keep_binary(dest: str) -> bool:
    """Whether a binary (destination path inside the bundle) stays in the bundle."""
    parts = PurePath(dest.replace("\\", "/")).parts
    name = parts[-1]
    if any(name.startswith(lib) or name.startswith("lib" + lib) for lib in _DROPPED_LIBRARIES):
        return False
    plugin = _plugin(parts)
    if plugin is not None:
        folder, stem = plugin
        return stem in _KEPT_PLUGINS.get(folder, ())
    return True


def keep_data(dest: str) -> bool:
    """Whether a data file (destination path inside the bundle) stays: Qt translations only in Chinese."""
    parts = PurePath(dest.replace("\\", "/")).parts
    if "translations" in parts and parts[-1].endswith(".qm"):
        return parts[-1] in _KEPT_TRANSLATIONS
    if _plugin(parts) is not None:
        return keep_binary(dest)
    return True
