"""Where an exported node came from, for diagnostics and MLIR locations."""


def op_name(target):
    """'aten.linear.default' for an ATen overload, the function's name
    otherwise (operator.getitem -> 'getitem')."""
    if hasattr(target, "_schema"):
        return str(target).replace("torch.ops.", "")
    return getattr(target, "__name__", str(target))


def module_name(node):
    """The path of the module a node came from: 'encoder.layer.0.attention',
    '<model>' for the model itself."""
    stack = node.meta.get("nn_module_stack") or {}
    if not stack:
        return "<model>"
    path = list(stack.values())[-1][0]
    path = path.replace("L['self'].", "").replace("L__self___", "")
    if path.startswith("model."):
        return path[len("model."):]
    return "<model>" if path in ("model", "") else path


def module_path(node):
    """The module a node came from, with its class:
    'encoder.layer.0.attention (BertSelfAttention)'."""
    stack = node.meta.get("nn_module_stack") or {}
    if not stack:
        return "the model's top level"
    path = module_name(node)
    kind = list(stack.values())[-1][1]
    kind_name = kind.__name__ if isinstance(kind, type) else \
        str(kind).rsplit(".", 1)[-1].strip("'>")
    return f"'{path}' ({kind_name})"
