"""The floor plan holds: no import cycles at run time, and `import sim` stays light.

Which layer may import which is an import-linter contract in pyproject.toml (`lint-imports`,
run by `make test`); these are the rules it does not express.
"""

from __future__ import annotations

import subprocess
import sys

import grimp

from tests.helpers import ROOT


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_cycle_finder_finds_a_cycle() -> None:
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(edges) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_module_of_sim_imports_itself_back_at_run_time() -> None:
    """Imports inside functions count; imports only for type checking do not."""
    graph = grimp.build_graph("sim", exclude_type_checking_imports=True)
    edges = {m: graph.find_modules_directly_imported_by(m) for m in graph.modules}
    assert cycles(edges) == []


def test_import_sim_loads_no_dask_salib_or_plotly() -> None:
    code = (
        "import sys, sim; heavy = {'dask', 'distributed', 'SALib', 'sklearn', 'plotly'}; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & heavy))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert done.stdout.strip() == "[]"


def test_the_public_api_loads_on_first_use() -> None:
    import subprocess
    import sys

    import sim

    assert set(sim.__all__) == {*sim._WHERE, "__version__"}
    for name in sim.__all__:
        assert getattr(sim, name) is not None
    code = "import sys, sim; print('mesa' in sys.modules, 'sim.engine' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout.split() == ["False", "False"]  # `import sim` alone loads nothing heavy
