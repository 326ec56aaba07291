"""The live feed paints each arrival's face over the tile with the name's initial."""

from __future__ import annotations

from tests.journeys.harness import App, fresh, settle, until


def test_live_rows_show_their_faces(app: App) -> None:
    window = app.window
    model = window.feed_model

    async def journey() -> None:
        window.show_page("live")
        await app.post(fresh("employee_match"))
        await until(lambda: model.rowCount() == 1, what="the row")
        row_id = model.row_at(0).id
        await until(lambda: model.thumb_for(row_id) is not None, what="the face thumbnail")
        await settle(0.3)
        shot = window.feed.view.viewport().grab().toImage()
        thumb = model.thumb_for(row_id).toImage()
        # The face tile's middle on screen shows the thumbnail's middle (a face is drawn
        # at x 10..62 of the row, centred in its 64 px height), not the grey tile.
        on_screen = shot.pixelColor(10 + 26, 32)
        in_thumb = thumb.pixelColor(thumb.width() // 2, thumb.height() // 2)
        for a, b in ((on_screen.red(), in_thumb.red()), (on_screen.green(), in_thumb.green()),
                     (on_screen.blue(), in_thumb.blue())):  # fmt: skip
            assert abs(a - b) < 40, (on_screen.name(), in_thumb.name())

    app.run(journey)
