# examples/main.ts + examples/platform.ts, line for line through the Python binding. The binding
# test synthesizes both and requires byte-identical YAML, so keep this in step with platform.ts.
import os

from cdk8s import Chart
from cdk8s_secure import (
    ClusterSettings,
    IsolatedNamespace,
    Mesh,
    MonitoredService,
    Peer,
    Probe,
    RbacSubject,
    SecureApp,
    SinglePassApp,
)

app = SinglePassApp(outdir=os.environ["CDK8S_OUTDIR"])
ClusterSettings.apply(app, require_digest=True)

shop_chart = Chart(app, "shop", disable_resource_name_hashes=True)
payments_chart = Chart(app, "payments", disable_resource_name_hashes=True)

shop = IsolatedNamespace(
    shop_chart,
    "shop",
    editors=[RbacSubject.group("shop-developers")],
    mesh=Mesh.sidecar(istio_cni=True),
    quota={"limits.cpu": "12"},
)
payments = IsolatedNamespace(
    payments_chart,
    "payments",
    admins=[RbacSubject.group("payments-oncall")],
    viewers=[RbacSubject.group("shop-developers")],
)

web = SecureApp(
    shop,
    "web",
    name="web",
    image="ghcr.io/acme/web:1.4.2@sha256:9b2e4f6a8c0d1e3f5a7b9c1d3e5f7a9b0c2d4e6f8a0b1c3d5e7f9a1b2c4d6e8f",
    port=8080,
    liveness=Probe.http_get("/livez"),
)
api = MonitoredService(
    shop,
    "api",
    name="api",
    image="ghcr.io/acme/api@sha256:3f1c1b7e6a0d4b5c2e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d",
    version="3.1.0",
    port=9000,
    liveness=Probe.http_get("/livez"),
    autoscaling={"max_replicas": 6},
    metrics={"port": 9090},
    alerting={
        "labels": {"team": "shop"},
        "request_metrics": {
            "total_counter": "http_requests_total",
            "duration_histogram": "http_request_duration_seconds",
        },
        "error_rate": {"runbook_url": "https://runbooks.acme.example/shop/api-errors"},
        "latency": {"runbook_url": "https://runbooks.acme.example/shop/api-latency"},
    },
    dashboard=True,
)
ledger = SecureApp(
    payments,
    "ledger",
    name="ledger",
    image="ghcr.io/acme/ledger:2.0.1@sha256:5d7f9a1b3c5e7f9a0b2c4d6e8f0a1b3c5d7e9f1a2b4c6d8e0f1a3b5c7d9e1f2a",
    port=7000,
    app_protocol="grpc",
    liveness=Probe.grpc(),
    runtime_class_name="gvisor",
)

web.allow_from(Peer.pods("istio-ingress", {"istio": "ingressgateway"}, service_account="istio-ingressgateway"))
api.allow_from(web)
api.allow_to(ledger)
api.allow_to(Peer.ip_block("10.40.0.0/24"), port=5432)

app.synth()
