import sys
from cgcli import syntax
p = syntax.parse(sys.argv[1])
for i, n in enumerate(p.nodes): print(i, n.op, n.inputs, n.name, n.literal, repr(p.source[n.start:n.end]))
print(p.assigned, p.variables, p.last)
