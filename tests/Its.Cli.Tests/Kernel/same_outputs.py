"""Compares the code cells' outputs of two executed notebooks, run by KernelClientTests.

Usage: python3 same_outputs.py KERNEL.ipynb REPRODUCE.ipynb. Both are read with nbformat, so lines
and key order do not matter; output metadata (the size a chart's PNG is shown at) is compared too.
Prints "same" or each difference, and exits 1 when there is one.
"""

import sys

import nbformat


def outputs(path):
    nb = nbformat.read(path, as_version=4)
    cells = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        kept = []
        for out in cell.outputs:
            out = dict(out)
            out.pop("transient", None)
            kept.append(out)
        cells.append((cell.get("execution_count"), kept))
    return cells


kernel, reproduce = outputs(sys.argv[1]), outputs(sys.argv[2])
differences = []
if len(kernel) != len(reproduce):
    differences.append(f"{len(kernel)} code cells against {len(reproduce)}")
for i, (a, b) in enumerate(zip(kernel, reproduce)):
    if a != b:
        differences.append(f"code cell {i + 1}:\n  kernel:    {str(a)[:800]}\n  reproduce: {str(b)[:800]}")
print("\n".join(differences) if differences else "same")
sys.exit(1 if differences else 0)
