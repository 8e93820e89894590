"""lab/inputs.py: every tab's one parser, and the messages the page shows for a bad value."""

import pytest

from lab.inputs import or_list, parse_choice, parse_dataset, parse_int, parse_label, parse_number, parse_seed


def test_numbers_in_a_range():
    assert parse_number("0.25", "Noise", 0, 1) == 0.25 and parse_number(1, "Noise", 0, 1) == 1.0
    for bad in (-0.1, 1.5, "lots", None, float("nan"), "inf", True):  # True is not 1: a checkbox's value
        with pytest.raises(ValueError) as err:
            parse_number(bad, "Noise", 0, 1)
        assert str(err.value) == f"Noise must be a number from 0 to 1, got {bad!r}."
    assert parse_number("144", "The threshold", positive=True, unit="nats") == 144.0
    with pytest.raises(ValueError) as err:
        parse_number(0, "The threshold", positive=True, unit="nats")
    assert str(err.value) == "The threshold must be a positive number of nats, got 0."
    with pytest.raises(ValueError, match=r"^Speed must be a number up to 3, got 4\.$"):
        parse_number(4, "Speed", high=3)


def test_whole_numbers():
    assert parse_int(16.0, "How many", 1, 64) == 16 and parse_int("7", "Steps", 2, 16) == 7
    assert isinstance(parse_int(3.0, "Steps", 2, 16), int)
    for bad in (0, 65, 2.5, "many", None):
        with pytest.raises(ValueError) as err:
            parse_int(bad, "How many", 1, 64)
        assert str(err.value) == f"How many must be a whole number from 1 to 64, got {bad!r}."
    assert parse_int(10**6, "Anything", 0) == 10**6 and parse_int(-3, "Anything", None) == -3  # no bound
    with pytest.raises(ValueError, match=r"^Anything must be a whole number from 0 up, got -1\.$"):
        parse_int(-1, "Anything", 0)


def test_seeds():
    assert parse_seed("42") == 42 and parse_seed(0) == 0 and parse_seed(2**62) == 2**62
    for bad in (-1, 1.5, "x", None):
        with pytest.raises(ValueError) as err:
            parse_seed(bad)
        assert str(err.value) == f"The seed must be a whole number from 0 up, got {bad!r}."
    with pytest.raises(ValueError, match=r"^The seed must be a whole number below 2\*\*63, got 1e\+19\.$"):
        parse_seed(1e19)


def test_choices():
    assert or_list(["A"]) == "A" and or_list(["A", "B"]) == "A or B" and or_list("ABC") == "A, B or C"
    assert parse_choice("Gaussian", ["Gaussian", "Masked block"], "noise type") == "Gaussian"
    with pytest.raises(ValueError) as err:
        parse_choice("gaussian", ["Gaussian", "Masked block"], "noise type")  # exact unless told otherwise
    assert str(err.value) == "Unknown noise type 'gaussian': choose Gaussian or Masked block."
    assert parse_choice("  vae ", ("Real", "VAE", "GAN"), "guess", ignore_case=True) == "VAE"
    with pytest.raises(ValueError, match=r"^Unknown guess None: choose Real, VAE or GAN\.$"):
        parse_choice(None, ("Real", "VAE", "GAN"), "guess", ignore_case=True)


def test_datasets():
    assert parse_dataset("MNIST") == "MNIST" and parse_dataset("Fashion-MNIST") == "Fashion-MNIST"
    for bad in ("CIFAR", "mnist", None):
        with pytest.raises(ValueError) as err:
            parse_dataset(bad)
        assert str(err.value) == f"Unknown dataset {bad!r}: choose MNIST or Fashion-MNIST."


def test_labels():
    assert parse_label("MNIST", "any") is parse_label("MNIST", " ") is parse_label("MNIST", "ANY") is None
    assert parse_label("MNIST", "7") == 7 and parse_label("MNIST", 3) == 3
    assert parse_label("Fashion-MNIST", "Sneaker") == 7 and parse_label("Fashion-MNIST", "ankle boot") == 9
    assert parse_label("Fashion-MNIST", "7") == 7  # a class index
    with pytest.raises(ValueError) as err:
        parse_label("MNIST", "Sneaker")
    assert str(err.value) == "Unknown class 'Sneaker' for MNIST: use 'any' or one of 0, 1, 2, 3, 4, 5, 6, 7, 8, 9."
    with pytest.raises(ValueError, match="Unknown class '10' for Fashion-MNIST: use 'any' or one of T-shirt/top, "):
        parse_label("Fashion-MNIST", "10")
    with pytest.raises(ValueError, match="Unknown dataset 'CIFAR'"):
        parse_label("CIFAR", "1")
