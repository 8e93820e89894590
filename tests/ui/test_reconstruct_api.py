"""/reconstruct keeps its three outputs (the JSON result last); /reconstruct_verdict turns that result into the
sentence the page shows (`lab.reconstruct.verdict_text`)."""

import json

from gradio_client import handle_file

from lab import examples as ex
from lab.reconstruct import verdict_text


def test_the_verdict_endpoint_words_the_reconstruct_result(client):
    outputs = client.predict(handle_file(ex.HOUSE.path), "MNIST", 0.0, api_name="/reconstruct")
    assert len(outputs) == 3
    result = outputs[2] if isinstance(outputs[2], dict) else json.loads(outputs[2])
    assert result["anomaly_percentile"] >= 99
    verdict = client.predict(result, api_name="/reconstruct_verdict")
    assert verdict == verdict_text(result) and "do not trust that label" in verdict
