"""Words for box codes and the time formats the feed and detail pane use."""

from __future__ import annotations

import datetime as dt

from gui.ui.views import words


def _ms(*args: int) -> int:
    return int(dt.datetime(*args).timestamp() * 1000)


def test_codes_in_words(qapp) -> None:
    assert words.person_type_word(3) == "blacklist"
    assert words.person_type_word(None) == "unknown type"
    assert words.person_type_word(9) == "type 9"
    assert words.want_action_words("1001") == "new stranger registered"
    assert words.want_action_words("1002") == "library photo updated"
    assert words.want_action_words("77") == "action 77"
    assert words.ep_type_words("rtsp") == "video stream"
    assert words.person_type_colour(3) == "#D32F2F"
    assert words.person_type_colour(3, {"3": "#123456"}) == "#123456"


def test_feed_time_shows_the_date_when_not_today() -> None:
    today = dt.date(2026, 11, 24)
    assert words.format_feed_time(_ms(2026, 11, 24, 16, 3, 20), today) == "16:03:20"
    assert words.format_feed_time(_ms(2026, 10, 13, 18, 0, 36), today) == "10-13 18:00"
    assert words.format_feed_time(_ms(2020, 10, 13, 18, 0, 36), today) == "2020-10-13"
    assert words.format_feed_time(None, today) == "—"


def test_wall_tile_time_and_out_of_range_times() -> None:
    now = dt.datetime.now().replace(microsecond=0)
    assert words.format_tile_time(int(now.timestamp() * 1000)) == now.strftime("%H:%M:%S")
    assert words.format_tile_time(_ms(2020, 10, 13, 18, 0, 36)) == "10-13 18:00:36"
    assert words.format_tile_time(None) == "—"
    huge = 10**20  # a box clock gone wild: shown as the number it sent
    assert words.format_tile_time(huge) == words.format_ms(huge) == str(huge)


def test_clock_skew_and_score_formats() -> None:
    assert words.format_duration_ms(2400) == "+2.4 s"
    assert words.format_duration_ms(-190_000) == "-3 min 10 s"
    assert words.format_duration_ms(3_900_000) == "+1 h 5 min"
    assert words.format_score(0.93) == "0.93"
    assert words.format_score(6.58) == "6.58"
    assert words.format_score(95.0) == "95.00"  # fixed precision: columns line up
    assert words.format_score(0.9) == "0.90"
    assert words.format_ms(1_764_000_000_150, millis=False).endswith(":00")
    assert words.format_score(None) == "—"
    assert words.format_ms(None) == "—"


def test_score_shown_with_its_scale() -> None:
    from gui.ui.views.words import format_score_of

    assert format_score_of(0.93, "0-1") == "0.93 / 1"
    assert format_score_of(82.05, "0-100") == "82.05 / 100"
    assert format_score_of(None, "0-100") == "—"
    # With the threshold the box compares it with, in the same scale.
    assert format_score_of(82.05, "0-100", 82.0) == "82.05 / 100 (≥82)"
    assert format_score_of(0.93, "0-1", 0.55) == "0.93 / 1 (≥0.55)"
    assert format_score_of(None, "0-1", 0.55) == "—"


def test_a_stranger_is_named_with_a_short_id_never_a_float_timestamp() -> None:
    assert words.display_name("stranger", "1764000100.3828533", 4) == "Stranger #0100.38"
    assert words.display_name(None, "1764000100.3828533", 4) == "Stranger #0100.38"
    assert words.display_name("陌生人", "S-12", None) == "Stranger #S-12"
    assert words.display_name("张伟", "E-10086", 1) == "张伟"
    assert words.display_name(None, "E-10086", 1) == "E-10086"
    assert words.display_name(None, None, 4) == "Stranger"


def test_face_attribute_values_in_words() -> None:
    assert words.attribute_value_words("age", "middle-aged") == "middle-aged"
    assert words.attribute_value_words("age", "42") == "42"
    assert words.attribute_value_words("gender", 1) == "female"
    assert words.attribute_value_words("mask", 0) == "no"
    assert words.attribute_value_words("glasses", True) == "yes"
    assert words.ep_type_words("3") == "IP camera, stream"
