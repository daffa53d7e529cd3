"""Where the app keeps its files: retrained models and personal samples in
the per-user data folder, downloaded MNIST in the per-user cache — never next
to the program. Built once at start-up and passed to the windows that need it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class AppPaths:
    data_dir: Path          # per-user data: runs/, samples/
    cache_dir: Path         # per-user cache: mnist/

    @property
    def runs_dir(self) -> Path:
        return self.data_dir / "runs"

    @property
    def mnist_cache_dir(self) -> Path:
        return self.cache_dir / "mnist"

    @classmethod
    def for_user(cls) -> "AppPaths":
        import platformdirs

        return cls(Path(platformdirs.user_data_dir("digitpad", appauthor=False)),
                   Path(platformdirs.user_cache_dir("digitpad", appauthor=False)))
