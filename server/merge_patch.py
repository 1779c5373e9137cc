"""RFC 7386 JSON merge patches: the difference between two JSON documents, and applying one.

An object member set to null in a patch removes that member; anything that is not an object (arrays
included) replaces the target's value whole. Documents patched this way carry no null members
(server.board_document drops them), so that a removal and a null never mean two different things.
"""

from typing import Any

Json = Any
"""A decoded JSON value: dict, list, str, int, float, bool or None."""


def diff(old: dict[str, Json], new: dict[str, Json]) -> dict[str, Json]:
    """The smallest merge patch, member by member, that turns `old` into `new`."""
    patch: dict[str, Json] = {key: None for key in old if key not in new}
    for key, value in new.items():
        before = old.get(key, _ABSENT)
        if before == value:
            continue
        if isinstance(before, dict) and isinstance(value, dict):
            patch[key] = diff(before, value)
        else:
            patch[key] = value
    return patch


def apply(target: Json, patch: Json) -> Json:
    """RFC 7386 section 2, MergePatch(Target, Patch); neither argument is changed."""
    if not isinstance(patch, dict):
        return patch
    merged: dict[str, Json] = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = apply(merged.get(key), value)
    return merged


_ABSENT = object()
