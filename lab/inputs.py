"""One parser for what every tab takes: a number in a range, one of a list of choices, a data set, a class and
a seed. Each refuses a bad value with a ValueError that names the field and what it takes, which the page
shows as it is (e.g. "Noise must be a number from 0 to 1, got 'lots'.")."""

import math
from collections.abc import Iterable

from models.registry import CLASS_NAMES, DATASETS

SEED_LIMIT = 2**63  # torch.Generator().manual_seed takes seeds below this


def parse_number(value, name: str, low: float | None = None, high: float | None = None, whole: bool = False,
                 positive: bool = False, unit: str = "") -> float:
    """`value` (a slider's or a text box's) as a finite number from `low` to `high` (None: no bound), above 0
    when `positive`, whole when `whole`; else a ValueError such as "{name} must be a whole number from 1 to 64,
    got 'many'."."""
    kind = " ".join(filter(None, ["positive" if positive else "", "whole number" if whole else "number",
                                  f"of {unit}" if unit else ""]))
    bounds = (f" from {low} to {high}" if low is not None and high is not None else f" from {low} up"
              if low is not None else f" up to {high}" if high is not None else "")
    message = f"{name} must be a {kind}{bounds}, got {value!r}."
    if isinstance(value, bool):  # float(True) is 1.0: a checkbox's value is not a number
        raise ValueError(message)
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        raise ValueError(message) from None
    if (not math.isfinite(number) or (whole and not number.is_integer()) or (positive and number <= 0)
            or (low is not None and number < low) or (high is not None and number > high)):
        raise ValueError(message)
    return number


def parse_int(value, name: str, low: int | None, high: int | None = None) -> int:
    """A whole number from `low` to `high` (None: no bound on that side), else a ValueError naming `name`."""
    return int(parse_number(value, name, low, high, whole=True))


def parse_seed(seed) -> int:
    value = parse_int(seed, "The seed", 0)
    if value >= SEED_LIMIT:
        raise ValueError(f"The seed must be a whole number below 2**63, got {seed!r}.")
    return value


def or_list(choices: Iterable[str]) -> str:
    """'A, B or C'."""
    *rest, last = choices
    return f"{', '.join(rest)} or {last}" if rest else last


def parse_choice(value, choices: Iterable[str], name: str, ignore_case: bool = False) -> str:
    """The one of `choices` that `value` is (with `ignore_case`: that it is, ignoring case and surrounding spaces),
    else a ValueError such as "Unknown {name} 'x': choose A, B or C."."""
    choices = list(choices)
    if ignore_case:
        lowered = [choice.lower() for choice in choices]
        text = str(value).strip().lower()
        if text in lowered:
            return choices[lowered.index(text)]
    elif value in choices:
        return value
    raise ValueError(f"Unknown {name} {value!r}: choose {or_list(choices)}.")


def parse_dataset(dataset) -> str:
    """A data set's title on the page ("MNIST" or "Fashion-MNIST")."""
    return parse_choice(dataset, DATASETS, "dataset")


def parse_label(dataset, label) -> int | None:
    """'any' (or nothing) -> None; a class name ('7', 'Sneaker', 'ankle boot') or a class index ('7' for an
    Ankle boot) -> its class index."""
    names = CLASS_NAMES[parse_dataset(dataset)]
    text = str(label).strip()
    if text.lower() in ("any", ""):
        return None
    try:
        return names.index(parse_choice(text, names, "class", ignore_case=True))
    except ValueError:
        if text.isdigit() and int(text) < len(names):  # a class index, e.g. "7" for an Ankle boot
            return int(text)
        raise ValueError(f"Unknown class {label!r} for {dataset}: use 'any' or one of {', '.join(names)}.") from None
