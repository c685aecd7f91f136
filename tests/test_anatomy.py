"""Anatomy: closed vocabularies of levels, roots and sides, and the sided targets."""

from __future__ import annotations

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from spinepath.anatomy import (
    FacetJoint,
    Foramen,
    Nerve,
    NerveRoot,
    Segment,
    Side,
    SpinalNerve,
    Vertebra,
    parse_segment,
)
from spinepath.errors import InvalidValue

L, R, B, C = Side.LEFT, Side.RIGHT, Side.BILATERAL, Side.CENTRAL


@pytest.mark.parametrize(
    ("segment", "cranial", "caudal", "root"),
    [
        (Segment.C2_3, Vertebra.C2, Vertebra.C3, NerveRoot.C3),
        (Segment.C4_5, Vertebra.C4, Vertebra.C5, NerveRoot.C5),
        (Segment.C5_6, Vertebra.C5, Vertebra.C6, NerveRoot.C6),
        (Segment.C6_7, Vertebra.C6, Vertebra.C7, NerveRoot.C7),
        (Segment.C7_T1, Vertebra.C7, Vertebra.T1, NerveRoot.C8),
    ],
)
def test_segment_vertebrae_and_exiting_root(
    segment: Segment, cranial: Vertebra, caudal: Vertebra, root: NerveRoot
) -> None:
    assert segment.cranial is cranial
    assert segment.caudal is caudal
    assert segment.exiting_root is root
    assert f"{cranial}-{caudal.value.removeprefix('C')}" == segment.value


def test_every_segment_joins_adjacent_vertebrae() -> None:
    for segment in Segment:
        assert segment.caudal.position == segment.cranial.position + 1


@pytest.mark.parametrize(
    ("root", "segment"),
    [
        (NerveRoot.C1, None),
        (NerveRoot.C2, None),
        (NerveRoot.C3, Segment.C2_3),
        (NerveRoot.C6, Segment.C5_6),
        (NerveRoot.C8, Segment.C7_T1),
    ],
)
def test_nerve_root_exit_segment(root: NerveRoot, segment: Segment | None) -> None:
    assert root.exit_segment is segment


def test_exit_segment_and_exiting_root_are_inverse() -> None:
    for segment in Segment:
        assert segment.exiting_root.exit_segment is segment
    for root in NerveRoot:
        if root.exit_segment is not None:
            assert root.exit_segment.exiting_root is root


def test_vocabularies_are_closed() -> None:
    assert [s.value for s in Segment] == ["C2-3", "C3-4", "C4-5", "C5-6", "C6-7", "C7-T1"]
    assert len(NerveRoot) == 8
    assert Vertebra.C1.position == 0
    assert Vertebra.T1.position == 7
    with pytest.raises(ValueError, match="C9"):
        NerveRoot("C9")
    with pytest.raises(ValueError, match="C3-5"):
        Segment("C3-5")


def test_segments_sort_from_the_skull_down() -> None:
    assert sorted([Segment.C7_T1, Segment.C2_3, Segment.C5_6]) == [
        Segment.C2_3,
        Segment.C5_6,
        Segment.C7_T1,
    ]


def test_adjacent_segments() -> None:
    assert Segment.C5_6.adjacent_to(Segment.C6_7)
    assert Segment.C6_7.adjacent_to(Segment.C5_6)
    assert not Segment.C5_6.adjacent_to(Segment.C5_6)
    assert not Segment.C4_5.adjacent_to(Segment.C6_7)


def test_side_lateral() -> None:
    assert L.lateral == (L,)
    assert R.lateral == (R,)
    assert B.lateral == (L, R)
    assert C.lateral == ()


@pytest.mark.parametrize(
    ("side", "other", "covered"),
    [
        (B, L, True),
        (B, R, True),
        (B, B, True),
        (L, L, True),
        (L, B, False),
        (L, R, False),
        (R, L, False),
        (B, C, False),
        (C, C, True),
        (C, L, False),
        (L, C, False),
    ],
)
def test_side_covers(side: Side, other: Side, covered: bool) -> None:
    assert side.covers(other) is covered


@pytest.mark.parametrize(
    ("text", "segment"),
    [
        ("C5-6", Segment.C5_6),
        ("C5-C6", Segment.C5_6),
        ("c5/6", Segment.C5_6),
        (" C7-T1 ", Segment.C7_T1),
        ("C2 - 3", Segment.C2_3),
    ],
)
def test_parse_segment(text: str, segment: Segment) -> None:
    assert parse_segment(text) is segment


@pytest.mark.parametrize("text", ["C3-5", "C1-2", "C9-10", "T1-2", "", "C5", "C5-"])
def test_parse_segment_refuses_non_segments(text: str) -> None:
    with pytest.raises(InvalidValue) as caught:
        parse_segment(text)
    assert caught.value.field == "segment"


@given(st.sampled_from(Segment))
def test_parse_segment_reads_every_value(segment: Segment) -> None:
    assert parse_segment(segment.value) is segment
    assert parse_segment(segment.value.lower().replace("-", "/")) is segment


def test_sided_targets() -> None:
    joint = FacetJoint(Segment.C5_6, L)
    assert str(joint) == "C5-6 left"
    nerve = SpinalNerve(NerveRoot.C6, R)
    assert str(nerve) == "right C6"
    foramen = Foramen(Segment.C6_7, L)
    assert foramen.nerve == SpinalNerve(NerveRoot.C7, L)
    assert str(foramen) == "C6-7 left foramen"


@pytest.mark.parametrize("cls", [FacetJoint, Foramen])
@pytest.mark.parametrize("side", [B, C])
def test_segment_targets_must_be_left_or_right(cls: type[FacetJoint], side: Side) -> None:
    with pytest.raises(InvalidValue, match="is not left or right") as caught:
        cls(Segment.C5_6, side)
    assert caught.value.field == "side"


def test_spinal_nerve_validation() -> None:
    with pytest.raises(InvalidValue) as caught:
        SpinalNerve(NerveRoot.C6, B)
    assert caught.value.field == "side"
    with pytest.raises(InvalidValue, match="expected NerveRoot") as caught:
        SpinalNerve("C6", L)  # type: ignore[arg-type]
    assert caught.value.field == "root"
    with pytest.raises(InvalidValue, match="expected Side"):
        SpinalNerve(NerveRoot.C6, "left")  # type: ignore[arg-type]


def test_targets_are_immutable_and_ordered() -> None:
    joint = FacetJoint(Segment.C5_6, L)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        joint.side = R  # type: ignore[misc]
    assert FacetJoint(Segment.C4_5, R) < joint
    assert len({joint, FacetJoint(Segment.C5_6, L)}) == 1


def test_greater_occipital_nerve_comes_from_c2() -> None:
    assert Nerve.GREATER_OCCIPITAL.origin is NerveRoot.C2
