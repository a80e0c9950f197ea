"""A cache hint for numba kernels: start loading a row of an array before it is read.

Hash probes and vector rows picked by word id land at random places in
arrays larger than the CPU's caches; a loop that reads them one by one waits
for each miss in turn. Kernels that know their next few rows ahead (the
counting kernel, the document statistics) ask for them first with
:func:`prefetch`, so that the misses overlap. The hint changes no result,
only when memory is read.
"""

from __future__ import annotations

from llvmlite import ir
from numba import types
from numba.core import cgutils
from numba.extending import intrinsic

# llvm.prefetch(address, rw=0 (read), locality=3 (keep in all levels), cache=1 (data)).
# The typed-pointer name: LLVM versions with opaque pointers upgrade it themselves.
_PREFETCH = "llvm.prefetch.p0i8"


@intrinsic
def prefetch(typingctx, array, row, column):
    """Hint that ``array[row, column]`` (a 2-D array) will be read soon: its cache line is
    loaded; no bounds check, no effect on any value (a prefetch never faults).
    """
    if not (isinstance(array, types.Array) and array.ndim == 2
            and isinstance(row, types.Integer) and isinstance(column, types.Integer)):
        return None
    sig = types.void(array, row, column)

    def codegen(context, builder, signature, args):
        array_type = signature.args[0]
        view = context.make_array(array_type)(context, builder, args[0])
        index = [context.cast(builder, args[i], signature.args[i], types.intp) for i in (1, 2)]
        address = cgutils.get_item_pointer2(
            context, builder, view.data, cgutils.unpack_tuple(builder, view.shape),
            cgutils.unpack_tuple(builder, view.strides), array_type.layout, index,
            wraparound=False, boundscheck=False)
        byte_pointer = ir.IntType(8).as_pointer()
        int32 = ir.IntType(32)
        prefetch = cgutils.get_or_insert_function(
            builder.module, ir.FunctionType(ir.VoidType(), [byte_pointer, int32, int32, int32]),
            _PREFETCH)
        builder.call(prefetch, [builder.bitcast(address, byte_pointer), ir.Constant(int32, 0),
                                ir.Constant(int32, 3), ir.Constant(int32, 1)])
        return context.get_dummy_value()

    return sig, codegen
