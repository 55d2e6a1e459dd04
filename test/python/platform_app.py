# examples/main.ts + examples/platform.ts, line for line through the Python binding. The binding
# test synthesizes both and requires byte-identical YAML, so keep this in step with platform.ts.
import os

from cdk8s import Chart
from cdk8s_secure import (
    IsolatedNamespace,
    Mesh,
    MonitoredService,
    Peer,
    RbacSubject,
    SecureApp,
    SinglePassApp,
)

app = SinglePassApp(outdir=os.environ["CDK8S_OUTDIR"])

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

web = SecureApp(shop, "web", name="web", image="ghcr.io/acme/web:1.4.2", port=8080)
api = MonitoredService(
    shop,
    "api",
    name="api",
    image="ghcr.io/acme/api@sha256:3f1c1b7e6a0d4b5c2e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d",
    port=9000,
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
    image="ghcr.io/acme/ledger:2.0.1",
    port=7000,
    app_protocol="grpc",
    runtime_class_name="gvisor",
)

web.allow_from(Peer.pods("istio-ingress", {"istio": "ingressgateway"}, service_account="istio-ingressgateway"))
api.allow_from(web)
api.allow_to(ledger)
api.allow_to(Peer.ip_block("10.40.0.0/24"), port=5432)

app.synth()
