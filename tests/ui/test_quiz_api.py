"""The quiz through a real client: `/quiz_round` shows an image that does not give its answer away,
`/quiz_answer` scores a guess against the round the same client session started."""

import re
from pathlib import Path

from PIL import Image

from lab.quiz import SOURCES, new_round


def scores(text: str) -> tuple[int, int, int]:
    score, answered, streak = re.match(r"\*\*Score (\d+) / (\d+)\*\* · streak (\d+)", text).groups()
    return int(score), int(answered), int(streak)


def test_quiz_round_and_answer(client, shipped_lab):
    endpoints = client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    assert [p["parameter_name"] for p in endpoints["/quiz_round"]["parameters"]] == ["seed", "dataset"]
    assert [p["parameter_name"] for p in endpoints["/quiz_answer"]["parameters"]] == ["guess"]
    assert endpoints["/quiz_answer"]["parameters"][0]["type"]["enum"] == list(SOURCES)

    answers = {seed: new_round(shipped_lab, seed, "MNIST")[1] for seed in range(12)}
    prompts = {}
    for seed in (min(s for s, a in answers.items() if a == source) for source in SOURCES):
        picture, prompt, next_seed, verdict = client.predict(seed, "MNIST", api_name="/quiz_round")
        assert next_seed == seed + 1 and verdict == ""
        with Image.open(picture) as image:
            assert image.size == (224, 224) and not getattr(image, "text", {})  # no text chunks in the PNG
        assert not any(name in Path(picture).name for name in SOURCES)
        prompts[answers[seed]] = prompt.replace(f"seed {seed}", "seed S")
        assert not any(name in prompt.replace("Real, VAE or GAN?", "") for name in SOURCES), prompt
    assert len(set(prompts.values())) == 1  # the same words whatever the answer

    seed = min(answers)  # the room's round: right, then wrong
    client.predict(seed, "MNIST", api_name="/quiz_round")
    verdict, score, result = client.predict(answers[seed], api_name="/quiz_answer")
    before = scores(score)
    assert result["correct"] and result["answer"] == answers[seed] and before[2] >= 1
    assert verdict.startswith("### Right!") and "**Sharpness**" in verdict and "**Nearest training image**" in verdict
    assert 0 <= result["readouts"]["classifier_confidence"] <= 1

    client.predict(seed + 1, "MNIST", api_name="/quiz_round")
    wrong = next(s for s in SOURCES if s != answers[seed + 1])
    verdict, score, result = client.predict(wrong, api_name="/quiz_answer")
    assert not result["correct"] and verdict.startswith("### Not this time:")
    assert scores(score) == (before[0], before[1] + 1, 0)
