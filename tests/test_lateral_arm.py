"""The lateral view: the free arm is held clear of the trunk, hip and thigh.

With the arm hanging beside the body, the hand and forearm lay over the hip and the outer thigh,
so pain drawn down the thigh landed on the hand and the hip and thigh muscles were hidden.
"""

from __future__ import annotations

import pytest
import shapely

from triggermap import resources
from triggermap.geometry.atlas import BodyView, load_view
from triggermap.geometry.regions import RegionId

HAND_AND_FOREARM = """volar_forearm radial_forearm ulnar_forearm dorsal_forearm snuffbox dorsal_wrist
thumb_dorsal index_finger_dorsal middle_finger_dorsal ring_finger_dorsal little_finger_dorsal
dorsal_hand_radial dorsal_hand_ulnar""".split()
HIP_AND_THIGH_ZONES = ["lateral_thigh", "lateral_hip"]
THIGH_MUSCLES = ["vastus_lateralis", "tensor_fasciae_latae"]


@pytest.fixture(scope="module")
def lateral() -> BodyView:
    return load_view(resources.svg_dir() / "lateral.svg")


def _union(view: BodyView, kind: str, names: list[str]) -> shapely.Geometry:
    ids = [RegionId(kind, name, "right") for name in names]
    missing = [str(i) for i in ids if view.region(i) is None]
    assert not missing, f"the lateral view lacks {missing}"
    return view.union_of(ids)


def test_hand_and_forearm_lie_clear_of_the_hip_and_thigh(lateral: BodyView):
    arm = _union(lateral, "zone", HAND_AND_FOREARM)
    for kind, names in (("zone", HIP_AND_THIGH_ZONES), ("muscle", THIGH_MUSCLES)):
        for name in names:
            other = _union(lateral, kind, [name])
            assert shapely.intersection(arm, other).area == pytest.approx(0.0, abs=1e-6), (
                f"the hand or forearm covers {kind} {name}"
            )
            # and with a visible gap, not just touching
            assert arm.distance(other) > 5.0, f"the hand or forearm touches {kind} {name}"
