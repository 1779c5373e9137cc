"""A token bucket per connection: a burst is fine, a flood is refused."""

import time
from dataclasses import dataclass, field


@dataclass
class TokenBucket:
    rate: float = 10.0
    burst: float = 30.0
    _tokens: float = field(init=False)
    _stamp: float = field(init=False, default_factory=time.monotonic)

    def __post_init__(self) -> None:
        self._tokens = self.burst

    def take(self) -> bool:
        now = time.monotonic()
        self._tokens = min(self.burst, self._tokens + (now - self._stamp) * self.rate)
        self._stamp = now
        if self._tokens < 1:
            return False
        self._tokens -= 1
        return True
