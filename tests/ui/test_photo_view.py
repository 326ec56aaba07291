"""The photo view paints the overlay where the coordinates say, at any zoom and offset."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtGui import QColor, QImage, QPixmap

from gui.core.overlay import shapes_for
from gui.ui.views.photo_view import PhotoView

GREY = QColor(128, 128, 128)
RED = QColor("#D32F2F")  # blacklist


def _close(c: QColor, want: QColor, tol: int = 40) -> bool:
    return (
        abs(c.red() - want.red()) <= tol
        and abs(c.green() - want.green()) <= tol
        and abs(c.blue() - want.blue()) <= tol
    )


def _view(qtbot: Any, w: int, h: int) -> tuple[PhotoView, Any]:
    pixmap = QPixmap(400, 300)
    pixmap.fill(GREY)
    shapes = shapes_for((100, 50, 300, 250), [(200, 150)], 3, (400, 300))
    view = PhotoView()
    qtbot.addWidget(view)
    view.resize(w, h)
    view.set_pixmap(pixmap, shapes)
    view.show()
    qtbot.waitExposed(view)
    return view, view.grab().toImage()


@pytest.mark.parametrize(
    ("size", "scale", "offset"),
    [((400, 300), 1.0, (0, 0)), ((800, 600), 2.0, (0, 0)), ((800, 300), 1.0, (200, 0))],
)
def test_box_and_landmark_land_on_their_coordinates(qtbot, size, scale, offset) -> None:
    view, image = _view(qtbot, *size)
    assert view.scale == pytest.approx(scale)
    ox, oy = offset

    def at(x: float, y: float) -> QColor:
        return image.pixelColor(round(ox + x * scale), round(oy + y * scale))

    for x, y in [(100, 150), (300, 150), (200, 50), (200, 250)]:  # the four edges
        assert _close(at(x, y), RED), (x, y, at(x, y).name())
    assert _close(at(200, 150), RED)  # the landmark
    for x, y in [(150, 100), (250, 220), (60, 150), (340, 150), (200, 20)]:  # inside / outside
        assert _close(at(x, y), GREY), (x, y, at(x, y).name())


def test_overlay_toggle_hides_it(qtbot) -> None:
    view, _ = _view(qtbot, 400, 300)
    view.set_overlays_visible(False)
    image = view.grab().toImage()
    assert _close(image.pixelColor(100, 150), GREY)


def test_wheel_zoom_keeps_the_point_under_the_cursor(qtbot) -> None:
    from PySide6.QtCore import QPoint, QPointF, Qt
    from PySide6.QtGui import QWheelEvent

    view, _ = _view(qtbot, 400, 300)
    before = view.transform().inverted()[0].map(QPointF(100, 150))
    event = QWheelEvent(
        QPointF(100, 150), QPointF(100, 150), QPoint(0, 0), QPoint(0, 120),
        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase,
        False,
    )  # fmt: skip
    view.wheelEvent(event)
    assert view.scale == pytest.approx(1.25)
    after = view.transform().inverted()[0].map(QPointF(100, 150))
    assert after.x() == pytest.approx(before.x()) and after.y() == pytest.approx(before.y())
    view.zoom_actual()
    assert view.scale == 1.0
    view.zoom_fit()
    assert view.scale == pytest.approx(1.0)


def test_placeholder_is_drawn_when_there_is_no_picture(qtbot) -> None:
    view = PhotoView(placeholder="no registered photo — stranger")
    qtbot.addWidget(view)
    view.resize(200, 120)
    view.show()
    image: QImage = view.grab().toImage()
    colours = {image.pixel(x, y) for x in range(0, 200, 2) for y in range(40, 80, 2)}
    assert len(colours) > 2  # text was painted, not a blank box


def test_detail_pane_box_sits_on_the_face(window, core, qtbot) -> None:
    """The real sample: its box edges are painted in the employee colour where the box is."""
    from tests.conftest import load_sample
    from tests.ui.desktop_fixtures import detail_shows, post

    event_id = post(core, load_sample("employee_match"))
    window.show_event(event_id)
    qtbot.waitUntil(lambda: detail_shows(window, event_id), timeout=10000)
    scene = window.detail.scene
    x1, y1, x2, y2 = scene.shapes().box
    image = scene.grab().toImage()
    green = QColor("#2E7D32")
    mid_y = (y1 + y2) / 2
    for x, y in [(x1, mid_y), (x2, mid_y), ((x1 + x2) / 2, y1), ((x1 + x2) / 2, y2)]:
        p = scene.map_to_widget(x, y)
        assert _close(image.pixelColor(round(p.x()), round(p.y())), green, 60), (x, y)
