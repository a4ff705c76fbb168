"""A local webhook receiver for tests, the benchmark and the demo: a real HTTP server on 127.0.0.1 that checks each
message with the partner receiver helper, acts once per webhook-id, and can be told to answer 500, 429, a 4xx, or to
hang past the sender's timeout. Standard library only."""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from .receiver import Receiver, WebhookRefused, send_acknowledgement


@dataclass
class Behaviour:
    """What the receiver answers: a queue of statuses to answer first (then 204), or a hang of `hang` seconds."""

    script: list[int | str] = field(default_factory=list)  # e.g. [500, 429, "hang", 204]
    hang: float = 0.0
    ack_url: str = ""  # when set, POST "actioned" to Tellus after acting
    ack_inline: Any = None  # or call this function(message_id) instead (the benchmark: no web server)


class LocalReceiver:
    def __init__(self, secret: str, behaviour: Behaviour | None = None) -> None:
        self.receiver = Receiver(secret)
        self.secret = secret
        self.behaviour = behaviour or Behaviour()
        self.lock = threading.Lock()
        self.requests = 0
        self.refused = 0
        self.acted: Counter[str] = Counter()  # webhook-id -> times acted on (must be 1)
        self.seen: Counter[str] = Counter()  # webhook-id -> signed requests received (more than 1: sent again)
        self.payloads: dict[str, dict[str, Any]] = {}
        self.received_at: dict[str, float] = {}
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def __enter__(self) -> LocalReceiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _next_answer(self) -> int | str:
        with self.lock:
            self.requests += 1
            return self.behaviour.script.pop(0) if self.behaviour.script else 204

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                answer = outer._next_answer()
                if answer == "hang":
                    time.sleep(outer.behaviour.hang)
                    answer = 204
                if isinstance(answer, int) and answer >= 300:
                    self.send_response(answer)
                    self.end_headers()
                    return
                try:
                    message = outer.receiver.receive(body, dict(self.headers.items()))
                except WebhookRefused:
                    with outer.lock:
                        outer.refused += 1
                    self.send_response(400)
                    self.end_headers()
                    return
                with outer.lock:
                    outer.seen[message.id] += 1
                    if message.first_time:
                        outer.acted[message.id] += 1
                        outer.payloads[message.id] = message.payload
                        outer.received_at[message.id] = time.time()
                self.send_response(int(answer))
                self.end_headers()
                if message.first_time and outer.behaviour.ack_inline is not None:
                    outer.behaviour.ack_inline(message.id)
                elif message.first_time and outer.behaviour.ack_url:
                    send_acknowledgement(outer.behaviour.ack_url, outer.secret, message.id, "actioned")

        return Handler

    def summary(self) -> dict[str, Any]:
        return {
            "requests": self.requests,
            "refused": self.refused,
            "acted": sum(self.acted.values()),
            "acted_twice": sum(1 for n in self.acted.values() if n > 1),
            "payloads": json.loads(json.dumps(self.payloads)),
        }
