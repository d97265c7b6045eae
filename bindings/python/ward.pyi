"""Ward's policies inside Python, with the answers of ``ward check``."""

import os
from typing import Any, Dict, List, Optional, Sequence, Union

__version__: str

_Path = Union[str, "os.PathLike[str]"]

class WardError(Exception):
    """Base class of every error Ward raises."""

class PolicyError(WardError):
    """The policies do not compile; the message holds every diagnostic."""

class ModuleError(WardError):
    """A module could not be made, loaded or run by the engine."""

class ParamsError(WardError):
    """A policy parameter names no parameter, or its value does not fit."""

class UsageError(WardError):
    """Nothing can be judged: no input found, a bad exclusion glob, an
    unreadable baseline or parameters file."""

class Rule:
    """A rule of a policy."""

    @property
    def id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def package(self) -> str: ...
    @property
    def severity(self) -> str:
        """``info``, ``low``, ``medium``, ``high`` or ``critical``."""
    @property
    def level(self) -> str:
        """``advisory``, ``soft-mandatory`` or ``hard-mandatory``."""
    @property
    def title(self) -> str: ...
    @property
    def description(self) -> str: ...
    @property
    def controls(self) -> List[str]: ...
    @property
    def tags(self) -> List[str]: ...
    @property
    def resource_types(self) -> List[str]: ...
    @property
    def formats(self) -> List[str]: ...

class Finding:
    """A failure or an unknown outcome of a rule on a resource."""

    @property
    def rule(self) -> str: ...
    @property
    def severity(self) -> str: ...
    @property
    def outcome(self) -> str:
        """``fail`` or ``unknown`` (and ``pass`` or ``skip`` nowhere in findings)."""
    @property
    def resource(self) -> str: ...
    @property
    def resource_type(self) -> str: ...
    @property
    def path(self) -> str: ...
    @property
    def message(self) -> str: ...
    @property
    def file(self) -> str: ...
    @property
    def line(self) -> int: ...
    @property
    def column(self) -> int: ...

class Suppressed:
    """A finding taken out by a suppression."""

    @property
    def finding(self) -> Finding: ...
    @property
    def source(self) -> str:
        """``template`` or ``baseline``."""
    @property
    def reason(self) -> str: ...

class InputError:
    """An input that could not be judged."""

    @property
    def file(self) -> str: ...
    @property
    def line(self) -> int: ...
    @property
    def column(self) -> int: ...
    @property
    def reason(self) -> str: ...

class RuleError:
    """A rule that could not finish on an input."""

    @property
    def rule(self) -> str: ...
    @property
    def file(self) -> str: ...
    @property
    def message(self) -> str: ...
    @property
    def kind(self) -> str:
        """``out_of_fuel``, ``timeout``, ``memory_limit``, ``trap``,
        ``invalid_results``, ``module``, ``input`` or ``instantiate``."""

class NotAnInput:
    """A file that was read but is not an input Ward judges."""

    @property
    def file(self) -> str: ...
    @property
    def reason(self) -> str: ...

class Report:
    """The report of one call."""

    @property
    def findings(self) -> List[Finding]: ...
    @property
    def suppressed(self) -> List[Suppressed]: ...
    @property
    def input_errors(self) -> List[InputError]: ...
    @property
    def rule_errors(self) -> List[RuleError]: ...
    @property
    def not_inputs(self) -> List[NotAnInput]: ...
    @property
    def summary(self) -> Dict[str, int]: ...
    def to_json(self) -> str:
        """The report as ``ward check --format json`` prints it."""
    def to_sarif(self) -> str: ...
    def to_junit(self) -> str:
        """JUnit XML; it lists passing test cases only when the report was
        made with ``keep_passes=True`` or ``verbose=True``."""
    def to_human(self) -> str: ...
    def exit_code(self, fail_on: str = "low", fail_on_unknown: str = "never") -> int:
        """The exit code ``ward check`` would end with: 2 when an input or a
        rule could not be judged, 1 when a finding reaches a threshold,
        else 0."""

class Policy:
    """Compiled policies, ready to judge inputs many times."""

    @staticmethod
    def from_stdlib() -> "Policy": ...
    @staticmethod
    def from_sources(paths: Union[_Path, Sequence[_Path]], stdlib: bool = False) -> "Policy": ...
    @staticmethod
    def from_module(module: bytes) -> "Policy": ...
    def set_params(self, params: Dict[str, Any]) -> None: ...
    @property
    def rules(self) -> List[Rule]: ...
    def check(
        self,
        paths: Union[_Path, Sequence[_Path]],
        *,
        exclude: Optional[Sequence[str]] = None,
        baseline: Optional[_Path] = None,
        parameters: Optional[_Path] = None,
        verbose: bool = False,
        max_input_size: Optional[int] = None,
        max_values: Optional[int] = None,
        timeout: Optional[float] = None,
        strict: bool = False,
        keep_passes: bool = False,
    ) -> Report:
        """Judges the inputs under ``paths`` as ``ward check PATHS`` does.
        ``keep_passes`` keeps passes and skips for ``to_junit()``, as
        ``ward check --format junit`` does."""
    def check_bytes(self, name: str, data: Union[bytes, str]) -> Report: ...
