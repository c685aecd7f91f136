"""The CDS Hooks service over real HTTP on 127.0.0.1 (uvicorn in a thread, an httpx client)."""

from __future__ import annotations

import base64
import concurrent.futures
import json
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

import spinepath as sp

pytest.importorskip("starlette", reason="the 'service' extra")
httpx = pytest.importorskip("httpx", reason="the 'service' extra's tests")
uvicorn = pytest.importorskip("uvicorn", reason="the 'service' extra")

from spinepath.fhir import OPTION_ID_SYSTEM, record_to_bundle, service_request  # noqa: E402
from spinepath.service import MAX_BODY, RECORD_CONTENT_TYPE, create_app  # noqa: E402


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    config = uvicorn.Config(create_app(), host="127.0.0.1", port=0, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.025)
    port = server.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=5)


def request(name: str, hook: str = "patient-view", **context: Any) -> dict[str, Any]:
    data = base64.b64encode(sp.dumps(sp.examples.load(name)).encode()).decode()
    reference = {
        "resourceType": "DocumentReference",
        "status": "current",
        "content": [{"attachment": {"contentType": RECORD_CONTENT_TYPE, "data": data}}],
    }
    bundle = {"resourceType": "Bundle", "type": "searchset", "entry": [{"resource": reference}]}
    return {
        "hook": hook,
        "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea",
        "context": {"userId": "Practitioner/1", "patientId": "p1", **context},
        "prefetch": {"record": bundle},
    }


def test_discovery(base: str) -> None:
    answer = httpx.get(f"{base}/cds-services")
    assert answer.status_code == 200
    services = {s["hook"]: s for s in answer.json()["services"]}
    assert set(services) == {"patient-view", "order-select"}
    assert "{{context.patientId}}" in services["patient-view"]["prefetch"]["record"]


def test_patient_view_gives_cards(base: str) -> None:
    answer = httpx.post(
        f"{base}/cds-services/spinepath-patient-view", json=request("progressive-arm-weakness")
    )
    assert answer.status_code == 200
    cards = answer.json()["cards"]
    assert cards[0]["indicator"] == "critical"
    assert any(c.get("suggestions") for c in cards)


def test_patient_view_reads_a_spinepath_bundle(base: str) -> None:
    url = f"{base}/cds-services/spinepath-patient-view"
    by_reference = httpx.post(url, json=request("progressive-arm-weakness")).json()
    body = request("progressive-arm-weakness")
    body["prefetch"]["record"] = record_to_bundle(sp.examples.load("progressive-arm-weakness"))
    answer = httpx.post(url, json=body)
    assert answer.status_code == 200
    assert answer.json() == by_reference
    extension = body["prefetch"]["record"]["entry"][1]["resource"]["extension"][0]
    event = json.loads(extension["valueString"])
    event["date"] = "not a date"
    extension["valueString"] = json.dumps(event)
    broken = httpx.post(url, json=body)
    assert broken.status_code == 422
    (problem,) = broken.json()["problems"]
    assert problem["path"] == [
        *("prefetch", "record", "entry", 1, "resource", "extension", "valueString", "date")
    ]


def test_order_select_warns_of_a_blocked_order(base: str) -> None:
    assessment = sp.assess(sp.examples.load("facet-axial-neck-pain"))
    blocked = assessment.blocked[0]
    draft = service_request(blocked.action, "Patient/p1", option_id=blocked.id)
    draft["id"] = "draft1"
    context = {
        "selections": ["ServiceRequest/draft1"],
        "draftOrders": {
            "resourceType": "Bundle",
            "type": "collection",
            "entry": [{"resource": draft}],
        },
    }
    body = request("facet-axial-neck-pain", "order-select", **context)
    answer = httpx.post(f"{base}/cds-services/spinepath-order-select", json=body)
    assert answer.status_code == 200
    (card,) = answer.json()["cards"]
    assert card["indicator"] == "warning"
    assert all(r.rule in card["detail"] for r in blocked.failed)
    assert card["overrideReasons"]
    legal = assessment.recommended[0]
    draft["identifier"] = [{"system": OPTION_ID_SYSTEM, "value": legal.id}]
    answer = httpx.post(
        f"{base}/cds-services/spinepath-order-select",
        json=body
        | {
            "context": {
                **body["context"],
                "draftOrders": {
                    "resourceType": "Bundle",
                    "type": "collection",
                    "entry": [{"resource": draft}],
                },
            }
        },
    )
    assert answer.json()["cards"] == []


def test_bad_json_bad_prefetch_and_oversized_bodies(base: str) -> None:
    url = f"{base}/cds-services/spinepath-patient-view"
    bad = httpx.post(url, content=b"{not json", headers={"content-type": "application/json"})
    assert bad.status_code == 400
    assert bad.headers["content-type"] == "application/problem+json"
    missing = request("occipital-headache")
    del missing["prefetch"]
    assert httpx.post(url, json=missing).status_code == 412
    broken = request("occipital-headache")
    record = json.loads(sp.dumps(sp.examples.load("occipital-headache")))
    record["events"][0]["date"] = 5
    attachment = broken["prefetch"]["record"]["entry"][0]["resource"]["content"][0]["attachment"]
    attachment["data"] = base64.b64encode(json.dumps(record).encode()).decode()
    answer = httpx.post(url, json=broken)
    assert answer.status_code == 422
    (problem,) = answer.json()["problems"]
    assert problem["path"][:4] == ["prefetch", "record", "entry", 0]
    assert problem["path"][-3:] == ["events", 0, "date"]
    huge = httpx.post(url, content=b" " * (MAX_BODY + 1))
    assert huge.status_code == 413
    assert httpx.post(f"{base}/cds-services/nope", json={}).status_code == 404


def test_concurrent_requests(base: str) -> None:
    url = f"{base}/cds-services/spinepath-patient-view"
    names = sp.examples.names() * 3
    with httpx.Client() as client, concurrent.futures.ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(lambda n: client.post(url, json=request(n)), names))
    assert all(a.status_code == 200 for a in answers)
    by_name = {n: a.json() for n, a in zip(names, answers, strict=True)}
    for name, answer in zip(names, answers, strict=True):
        assert answer.json() == by_name[name]
