"""tritonclient[http] at its defaults against the real riskd on the bundled default models.

tritonclient's defaults use Triton's binary tensor data extension both ways: `set_data_from_numpy`
sends raw tensors after a JSON header (`Inference-Header-Content-Length`), and `infer` without
requested outputs (or with `InferRequestedOutput` defaults) asks for binary outputs. Errors must come
back in OIP's `{"error": "<message>"}` shape so the client raises `InferenceServerException`.
"""

import json
import os
import tempfile
import urllib.error
import urllib.request

import numpy as np
import pytest
import tritonclient.http as httpclient
from tritonclient.utils import InferenceServerException

REPOSITORY = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODEL = "disk-failure"
OUTPUTS = ["risk", "lower", "upper", "score"]
READ_TOKEN = "interop-read-token-0123456789"


def fixture():
    path = os.path.join(REPOSITORY, "Tests/RiskServiceTests/Fixtures/e2e_disk_failure.json")
    with open(path) as handle:
        return json.load(handle)


def fixture_rows():
    """The end-to-end fixture's feature rows (model order) and what the Python pipeline computed for them."""
    data = fixture()
    names = data["feature_names"]
    rows = np.array([[np.nan if entity["features"][name] is None else entity["features"][name] for name in names]
                     for entity in data["entities"]], dtype=np.float64)
    return names, rows, data["entities"]


def with_holes(rows):
    """Rows with NaN holes: row i misses feature j when (i + j) % 3 == 0 (enough left for the model)."""
    holed = rows.copy()
    for i in range(holed.shape[0]):
        for j in range(holed.shape[1]):
            if (i + j) % 3 == 0:
                holed[i, j] = np.nan
    return holed


def post_json(riskd, path, body, headers=None):
    request = urllib.request.Request(
        f"http://{riskd.url}{path}", data=json.dumps(body).encode(), method="POST",
        headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def v1_risks(riskd, names, rows):
    """riskd's own predict route, where a missing value is a feature left out of the instance."""
    instances = [{"features": {name: float(value) for name, value in zip(names, row) if not np.isnan(value)}}
                 for row in rows]
    status, body = post_json(riskd, f"/v1/models/{MODEL}/predict", {"instances": instances})
    assert status == 200, body
    return np.array([prediction["risk"] for prediction in body["predictions"]])


def infer(client, rows, datatype="FP64", binary_data=True, outputs=None):
    tensor = httpclient.InferInput("input", list(rows.shape), datatype)
    tensor.set_data_from_numpy(rows.astype(np.float32 if datatype == "FP32" else np.float64),
                               binary_data=binary_data)
    return client.infer(MODEL, [tensor], outputs=outputs)


@pytest.fixture
def riskd(start_riskd):
    return start_riskd(env={"RISKD_MODELS_DIR": os.path.join(REPOSITORY, "models")})


def test_health_readiness_and_metadata(riskd):
    client = httpclient.InferenceServerClient(url=riskd.url)
    assert client.is_server_live()
    assert client.is_server_ready()
    assert client.is_model_ready(MODEL)
    assert client.is_model_ready(MODEL, model_version="1")
    assert not client.is_model_ready("no-such-model")
    assert "binary_tensor_data" in client.get_server_metadata()["extensions"]
    names, _, _ = fixture_rows()
    metadata = client.get_model_metadata(MODEL)
    assert metadata["name"] == MODEL
    assert metadata["inputs"] == [{"name": "input", "datatype": "FP64", "shape": [-1, len(names)]}]
    assert [output["name"] for output in metadata["outputs"]] == OUTPUTS
    assert metadata["parameters"]["feature_names"] == names


def test_default_binary_infer_gives_the_pipelines_answers(riskd):
    client = httpclient.InferenceServerClient(url=riskd.url)
    names, rows, entities = fixture_rows()
    result = infer(client, rows)
    # No requested outputs: tritonclient asked for all of them in binary, and riskd framed them so.
    assert result.get_response()["model_name"] == MODEL
    for name in OUTPUTS:
        output = result.get_output(name)
        assert output["parameters"]["binary_data_size"] == 8 * len(rows), output
        assert "data" not in output
        values = result.as_numpy(name)
        assert values.dtype == np.float64 and values.shape == (len(rows),)
    # The same numbers the training pipeline computed for these feature rows.
    expected_risk = np.array([entity["venn_abers"]["p"] for entity in entities])
    expected_score = np.array([entity["raw_score"] for entity in entities])
    np.testing.assert_allclose(result.as_numpy("risk"), expected_risk, rtol=0, atol=1e-9)
    np.testing.assert_allclose(result.as_numpy("score"), expected_score, rtol=0, atol=1e-6)
    np.testing.assert_allclose(result.as_numpy("lower"), [e["venn_abers"]["lower"] for e in entities], atol=1e-9)
    np.testing.assert_allclose(result.as_numpy("upper"), [e["venn_abers"]["upper"] for e in entities], atol=1e-9)
    np.testing.assert_array_equal(result.as_numpy("risk"), v1_risks(riskd, names, rows))


def test_requested_outputs_at_their_defaults_and_fp32_inputs(riskd):
    client = httpclient.InferenceServerClient(url=riskd.url)
    names, rows, _ = fixture_rows()
    rows32 = rows.astype(np.float32)
    outputs = [httpclient.InferRequestedOutput("score"), httpclient.InferRequestedOutput("risk")]
    result = infer(client, rows32, datatype="FP32", outputs=outputs)
    assert [output["name"] for output in result.get_response()["outputs"]] == ["score", "risk"]
    assert all("binary_data_size" in output["parameters"] for output in result.get_response()["outputs"])
    np.testing.assert_array_equal(result.as_numpy("risk"), v1_risks(riskd, names, rows32.astype(np.float64)))
    # Asking for JSON outputs gives the same numbers.
    json_outputs = [httpclient.InferRequestedOutput("risk", binary_data=False)]
    json_result = infer(client, rows32, datatype="FP32", outputs=json_outputs)
    assert "data" in json_result.get_output("risk")
    np.testing.assert_array_equal(json_result.as_numpy("risk"), result.as_numpy("risk"))


@pytest.mark.parametrize("datatype", ["FP64", "FP32"])
def test_nan_is_a_missing_value(riskd, datatype):
    client = httpclient.InferenceServerClient(url=riskd.url)
    names, rows, _ = fixture_rows()
    holed = with_holes(rows.astype(np.float32).astype(np.float64) if datatype == "FP32" else rows)
    binary = infer(client, holed, datatype=datatype).as_numpy("risk")
    # The JSON path's answer for the same rows with those features missing.
    np.testing.assert_array_equal(binary, v1_risks(riskd, names, holed))
    # tritonclient's JSON mode writes NaN as a bare NaN token; riskd reads it as missing too.
    json_mode = infer(client, holed, datatype=datatype, binary_data=False).as_numpy("risk")
    np.testing.assert_array_equal(json_mode, binary)
    # The holes matter: read as zeros, the answers change.
    zeros = infer(client, np.nan_to_num(holed, nan=0.0), datatype=datatype).as_numpy("risk")
    assert not np.array_equal(zeros, binary)


def test_unknown_model_and_bad_input_raise_inference_server_exception(riskd):
    client = httpclient.InferenceServerClient(url=riskd.url)
    _, rows, _ = fixture_rows()
    tensor = httpclient.InferInput("input", list(rows.shape), "FP64")
    tensor.set_data_from_numpy(rows)
    with pytest.raises(InferenceServerException) as unknown:
        client.infer("no-such-model", [tensor])
    assert unknown.value.status() == "404"
    assert unknown.value.message() == 'model "no-such-model" not found'
    with pytest.raises(InferenceServerException) as metadata:
        client.get_model_metadata("no-such-model")
    assert metadata.value.status() == "404"
    # Binary data riskd cannot read: a clear 400, not a crash.
    ints = httpclient.InferInput("input", list(rows.shape), "INT64")
    ints.set_data_from_numpy(np.nan_to_num(rows).astype(np.int64))
    with pytest.raises(InferenceServerException) as datatype:
        client.infer(MODEL, [ints])
    assert datatype.value.status() == "400"
    assert "FP32 or FP64" in datatype.value.message()
    assert client.is_server_live()


def test_auth_failure_raises_inference_server_exception_with_riskds_message(start_riskd):
    directory = tempfile.mkdtemp(prefix="riskd-interop-tokens-")
    tokens = os.path.join(directory, "tokens.json")
    with open(tokens, "w") as handle:
        json.dump({"tokens": [{"name": "reader", "token": READ_TOKEN, "role": "read"}]}, handle)
    riskd = start_riskd(env={"RISKD_MODELS_DIR": os.path.join(REPOSITORY, "models"), "RISKD_TOKENS_FILE": tokens})
    client = httpclient.InferenceServerClient(url=riskd.url)
    _, rows, _ = fixture_rows()
    status, body = post_json(riskd, f"/v2/models/{MODEL}/infer", {"inputs": []})
    assert status == 401 and isinstance(body["error"], str), body
    tensor = httpclient.InferInput("input", list(rows.shape), "FP64")
    tensor.set_data_from_numpy(rows)
    with pytest.raises(InferenceServerException) as refused:
        client.infer(MODEL, [tensor])
    assert refused.value.status() == "401"
    assert refused.value.message() == body["error"]
    with pytest.raises(InferenceServerException):
        client.get_model_metadata(MODEL)
    # Health stays open; with the token, inference works.
    assert client.is_server_live()
    result = client.infer(MODEL, [tensor], headers={"Authorization": f"Bearer {READ_TOKEN}"})
    assert result.as_numpy("risk").shape == (len(rows),)
