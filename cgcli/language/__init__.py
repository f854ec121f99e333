"""The text of a program → its graph: the lexer and grammar, Lark's replayed LALR tables, the --at bindings, and the misreadings refused with a hint."""
