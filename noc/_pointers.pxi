# Byte offsets of the pointer fields of Core (noc/_core.pxd), so that EngineCore._set can
# point a field, named by string, at a NumPy array. Keep in step with the struct.

cdef dict _pointer_offsets():
    cdef Core c
    cdef size_t b = <size_t>&c
    return {
        "wraps": <size_t>&c.wraps - b,
        "port_of": <size_t>&c.port_of - b,
        "ep_node": <size_t>&c.ep_node - b,
        "clink": <size_t>&c.clink - b,
        "x_end": <size_t>&c.x_end - b,
        "t_start": <size_t>&c.t_start - b,
        "t_key": <size_t>&c.t_key - b,
        "t_mask": <size_t>&c.t_mask - b,
        "t_first": <size_t>&c.t_first - b,
        "t_route": <size_t>&c.t_route - b,
        "vc": <size_t>&c.vc - b,
        "br": <size_t>&c.br - b,
        "slot": <size_t>&c.slot - b,
        "ovc": <size_t>&c.ovc - b,
        "cr_time": <size_t>&c.cr_time - b,
        "eject_ready": <size_t>&c.eject_ready - b,
        "rr_in": <size_t>&c.rr_in - b,
        "rr_out": <size_t>&c.rr_out - b,
        "rt": <size_t>&c.rt - b,
        "act": <size_t>&c.act - b,
        "in_act": <size_t>&c.in_act - b,
        "wheel": <size_t>&c.wheel - b,
        "snap": <size_t>&c.snap - b,
        "out_lo": <size_t>&c.out_lo - b,
        "out_hi": <size_t>&c.out_hi - b,
        "dirty": <size_t>&c.dirty - b,
        "rec_seen": <size_t>&c.rec_seen - b,
        "rec_at": <size_t>&c.rec_at - b,
        "rec_scratch": <size_t>&c.rec_scratch - b,
        "fl": <size_t>&c.fl - b,
        "fly_bits": <size_t>&c.fly_bits - b,
        "fwheel": <size_t>&c.fwheel - b,
        "fh": <size_t>&c.fh - b,
        "fa": <size_t>&c.fa - b,
        "va_req": <size_t>&c.va_req - b,
        "port_vc": <size_t>&c.port_vc - b,
        "port_mask": <size_t>&c.port_mask - b,
        "grant_in": <size_t>&c.grant_in - b,
        "pk": <size_t>&c.pk - b,
        "free_ids": <size_t>&c.free_ids - b,
        "ec": <size_t>&c.ec - b,
        "o_arr": <size_t>&c.o_arr - b,
        "o_inj": <size_t>&c.o_inj - b,
        "o_dest": <size_t>&c.o_dest - b,
        "o_src": <size_t>&c.o_src - b,
        "o_hops": <size_t>&c.o_hops - b,
        "o_key": <size_t>&c.o_key - b,
        "o_tag": <size_t>&c.o_tag - b,
    }


_OFFSETS = _pointer_offsets()
