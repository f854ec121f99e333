import sys
from cgcli import latex
from cgcli.errors import InputError
for src in sys.argv[1:]:
    try:
        p = latex.parse(src)
        print(src, "->", [(n.op, n.inputs, n.name, n.literal) for n in p.nodes][-6:], p.assigned.keys(), list(p.variables))
    except InputError as e:
        print(src, "ERR", e)
