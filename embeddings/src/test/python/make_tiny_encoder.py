"""Writes tiny-encoder.onnx: a toy "encoder" for tests of ModelSpec.fromPath and of models
without a token_type_ids input.

  last_hidden_state[b, t, :] = TABLE[input_ids[b, t] % 8] * attention_mask[b, t]

Inputs: input_ids and attention_mask (int64, [batch, sequence]); no token_type_ids. The output's
last dimension is symbolic ("hidden"), so the Java side must run the model to learn it is 4.
The test recomputes the expected pooled vectors from TABLE, which it repeats.

Usage: /tmp/refenv/bin/python make_tiny_encoder.py OUT.onnx   (needs the onnx package)
"""

import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

TABLE = np.array([[r * 4 + c + 1 for c in range(4)] for r in range(8)], dtype=np.float32)


def main(out_path):
    nodes = [
        # NonZero hides the table's width from shape inference: the output width stays symbolic.
        helper.make_node("NonZero", ["column_flags"], ["nonzero"]),
        helper.make_node("Squeeze", ["nonzero", "first_axis"], ["columns"]),
        helper.make_node("Gather", ["table", "columns"], ["table_dyn"], axis=1),
        helper.make_node("Mod", ["input_ids", "eight"], ["row"]),
        helper.make_node("Gather", ["table_dyn", "row"], ["gathered"], axis=0),
        helper.make_node("Cast", ["attention_mask"], ["mask_f"], to=TensorProto.FLOAT),
        helper.make_node("Unsqueeze", ["mask_f", "last_axis"], ["mask_3d"]),
        helper.make_node("Mul", ["gathered", "mask_3d"], ["last_hidden_state"]),
    ]
    graph = helper.make_graph(
        nodes,
        "tiny_encoder",
        inputs=[
            helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "sequence"]),
            helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "sequence"]),
        ],
        outputs=[
            helper.make_tensor_value_info(
                "last_hidden_state", TensorProto.FLOAT, ["batch", "sequence", "hidden"])
        ],
        initializer=[
            numpy_helper.from_array(TABLE, "table"),
            numpy_helper.from_array(np.array(8, dtype=np.int64), "eight"),
            numpy_helper.from_array(np.array([-1], dtype=np.int64), "last_axis"),
            numpy_helper.from_array(np.array([0], dtype=np.int64), "first_axis"),
            numpy_helper.from_array(np.ones(4, dtype=np.float32), "column_flags"),
        ],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, out_path)
    print("wrote", out_path)


if __name__ == "__main__":
    main(sys.argv[1])
