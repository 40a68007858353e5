"""SVG parsing: curves become valid polygons; bad or hostile input gives our one error type."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from triggermap.geometry.errors import AtlasError
from triggermap.geometry.svg_import import mirrored_path_data, parse_svg, path_area

SVG_HEAD = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">'


def svg(body: bytes) -> bytes:
    return SVG_HEAD + body + b"</svg>"


def test_a_cubic_curve_is_flattened_closely():
    # a circle of radius 50 drawn as four cubic Béziers (kappa = 0.5523)
    k = 50 * 0.5523
    d = (
        f"M 50,0 C {50 + k},0 100,{50 - k} 100,50 C 100,{50 + k} {50 + k},100 50,100 "
        f"C {50 - k},100 0,{50 + k} 0,50 C 0,{50 - k} {50 - k},0 50,0 Z"
    )
    area = path_area(d, "circle", "c")
    assert area.is_valid
    assert area.area == pytest.approx(3.14159 * 50 * 50, rel=0.005)


def test_even_odd_rings_make_holes():
    area = path_area("M0,0 H100 V100 H0 Z M20,20 H80 V80 H20 Z", "t", "ring")
    assert area.area == pytest.approx(100 * 100 - 60 * 60)


def test_mirroring_keeps_curves_as_curves():
    mirrored = mirrored_path_data("M 10,10 C 20,0 30,0 40,10 Z", 50)
    assert mirrored.startswith("M 90,10 C 80,0 70,0 60,10")


@pytest.mark.parametrize(
    "bad", ["h", "A92z", "M 10,10 L 20,20,30", "M 1e400,0 L 1,1 L 2,2 Z", "L0 0H"]
)
def test_svgelements_failures_become_atlas_errors(bad: str):
    # svgelements 1.9.6 raises raw AttributeError/TypeError/ValueError on these
    with pytest.raises(AtlasError, match=r"broken\.svg"):
        path_area(bad, "broken.svg", "muscle.x.right")


def test_a_lone_close_command_encloses_nothing():
    assert path_area("z", "broken.svg", "muscle.x.right").is_empty


@pytest.mark.parametrize(
    ("document", "problem"),
    [
        (b"<svg", "not well-formed"),
        (b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaa">]>' + svg(b""), "DOCTYPE"),
        (b'<!DOCTYPE svg SYSTEM "file:///etc/passwd">' + svg(b""), "DOCTYPE"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"></svg>', "viewBox"),
        (b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1e308 1e308"></svg>', "viewBox"),
        (b"<html></html>", "no <svg> root"),
        (svg(b'<path id="a" d="M0,0 L1,1" transform="scale(2)"/>'), "transform"),
        (svg(b'<path id="a"/>'), "without path data"),
        (svg(b'<path id="big" d="M 0,0 L 1e9,0 L 0,1 Z"/>'), "too large"),
    ],
)
def test_hostile_or_malformed_files_are_refused_clearly(document: bytes, problem: str):
    with pytest.raises(AtlasError) as caught:
        parse_svg(document, "bad.svg")
    assert problem in str(caught.value)
    assert "bad.svg" in str(caught.value)


def test_billion_laughs_is_refused_quickly():
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + b"".join(
            f'<!ENTITY lol{i} "{"&lol{};".format(i - 1 if i > 1 else "") * 10}">'.encode()
            for i in range(1, 9)
        )
        + b"]>"
        + svg(b"<text>&lol8;</text>")
    )
    with pytest.raises(AtlasError):
        parse_svg(bomb, "bomb.svg")


path_command = st.sampled_from(list("MmLlHhVvCcSsQqTtAaZz"))
path_number = st.one_of(
    st.integers(-(10**6), 10**6).map(str),
    st.floats(allow_nan=True, allow_infinity=True, width=32).map(repr),
    st.sampled_from(["", ".", "-", "e", "1e", "--1", ",", "1.2.3"]),
)
path_text = st.lists(st.one_of(path_command, path_number), max_size=40).map(" ".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(path_text)
def test_any_path_data_gives_an_area_or_our_error(d: str):
    try:
        area = path_area(d, "fuzz.svg", "zone.x.right")
    except AtlasError:
        return
    assert area.is_valid


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_any_bytes_give_a_document_or_our_error(raw: bytes):
    try:
        parse_svg(raw, "fuzz.svg")
    except AtlasError:
        pass
