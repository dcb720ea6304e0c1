"""The machine a benchmark ran on, described so a reader can judge its timings.

A time means little without the hardware and the load around it: the CPU model and
core count, torch's thread count and version, the GPU when one was used, and the load
average at the start and at the end of the run (these machines are shared, so a busy
one is recorded, not hidden). Peak memory is read from the kernel's high-water mark of
the current address space (VmHWM), which starts afresh in each child process, so a
system fitted in its own process is charged for its own memory only.
"""

from __future__ import annotations

import datetime
import os
import platform
import re
import resource
from importlib import metadata
from pathlib import Path

import torch

LIBRARIES = (
    "synthdata",
    "torch",
    "numpy",
    "pandas",
    "scikit-learn",
    "ctgan",
    "rdt",
    "sdv",
    "sdmetrics",
    "mostlyai-engine",
)


def cpu_model() -> str:
    """The CPU's model name from /proc/cpuinfo, or what the platform says elsewhere."""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown CPU"


def cores() -> int:
    """Cores this process may run on (its affinity), which is what the timings got."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def load_average() -> list[float]:
    """1, 5 and 15 minute load averages."""
    return [round(value, 2) for value in os.getloadavg()]


def library_versions() -> dict[str, str | None]:
    versions: dict[str, str | None] = {}
    for name in LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def describe_machine(device: str) -> dict:
    """Hardware, software and load at the start of a run; `finish` adds the load at the end."""
    gpu = torch.cuda.get_device_name(0) if device.startswith("cuda") and torch.cuda.is_available() else None
    return {
        "date": datetime.date.today().isoformat(),
        "cpu": cpu_model(),
        "cores": cores(),
        "torch_threads": torch.get_num_threads(),
        "gpu": gpu,
        "device": device,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "versions": library_versions(),
        "load_average_at_start": load_average(),
    }


def finish(machine: dict) -> dict:
    """The machine description with the load average at the end of the run."""
    return {**machine, "load_average_at_end": load_average()}


def machine_slug(machine: dict) -> str:
    """A short file-name-safe name: CPU model and cores, plus the GPU when one was used."""
    words = re.sub(r"\(R\)|\(TM\)|CPU|Processor|@.*$", " ", machine["cpu"])
    name = f"{'-'.join(words.split()[:3])}-{machine['cores']}c"
    if machine["gpu"]:
        name += "-" + "-".join(machine["gpu"].replace("NVIDIA", "").split()[:2])
    return re.sub(r"[^a-z0-9.-]+", "-", name.lower()).strip("-")


def peak_rss_mb() -> float:
    """Peak resident memory of this process's address space, in MB."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    # ru_maxrss is in kilobytes on Linux and bytes on macOS; only macOS gets here.
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20, 1)
