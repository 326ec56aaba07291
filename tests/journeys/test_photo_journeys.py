"""Photo viewing in the running app: landmark dots at Fit, 1:1 on the face, the full-size window."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF

from tests.journeys.harness import App, click, double_click, fresh, top_level, until


def _eye_distance_on_screen(view: object) -> float:
    shapes = view.shapes()  # type: ignore[attr-defined]
    (ax, ay), (bx, by) = shapes.landmarks[0], shapes.landmarks[1]
    return float(((ax - bx) ** 2 + (ay - by) ** 2) ** 0.5 * view.scale)  # type: ignore[attr-defined]


def test_dots_scale_with_zoom_and_1_to_1_and_full_size_centre_on_the_face(app: App) -> None:
    from gui.ui.views.photo_view import FullSizeDialog, landmark_radius_on_screen

    window = app.window

    async def journey() -> None:
        window.resize(1280, 720)
        window.show_page("live")
        event_id = await app.post(fresh("employee_match"))
        detail = window.detail
        scene = detail.scene
        await until(lambda: detail.event_id == event_id and scene.has_picture(),
                    what="the scene photo")  # fmt: skip
        await until(lambda: scene.shapes() is not None and len(scene.shapes().landmarks) == 5,
                    what="the landmarks")  # fmt: skip
        click(detail.fit_button)
        await until(lambda: scene.scale < 1, what="Fit")
        fit_radius = landmark_radius_on_screen(scene.shapes(), scene.scale)
        eyes = _eye_distance_on_screen(scene)
        # At Fit a dot is a mark on the eye, not a blot over it.
        assert 2 * fit_radius <= max(2.0, 0.2 * eyes), (fit_radius, eyes)

        click(detail.actual_button)
        await until(lambda: scene.scale == 1.0, what="1:1")
        centre = scene.map_to_widget(scene.face_centre().x(), scene.face_centre().y())
        assert abs(centre.x() - scene.width() / 2) <= 1
        assert abs(centre.y() - scene.height() / 2) <= 1
        assert landmark_radius_on_screen(scene.shapes(), 1.0) > fit_radius  # grows with the zoom

        # The full-size window opens fitted: the whole picture, face box included, in view.
        double_click(scene, scene.rect().center())
        dialog = await until(lambda: top_level(FullSizeDialog), what="the full-size window")
        view = dialog.view
        await until(lambda: view.has_picture() and view.width() > 0, what="its picture")
        size = view.picture_size()
        picture = view.transform().mapRect(QRectF(0, 0, size.width(), size.height()))
        assert QRectF(view.rect()).adjusted(-1, -1, 1, 1).contains(picture), (picture, view.rect())
        face = view.face_centre()
        assert QRectF(view.rect()).contains(view.map_to_widget(face.x(), face.y()))
        assert isinstance(face, QPointF)
        dialog.close()

    app.run(journey)
