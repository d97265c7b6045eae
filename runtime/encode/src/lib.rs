#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]
#![warn(missing_docs)]
//! Resources to the bytes a compiled Ward module reads: the host side of
//! section 2 of `docs/abi.md`.
//!
//! - [`encode_input`], [`encode_input_with`]: a [`ward_model::Document`] in
//!   the binary form generated code walks with plain loads, interned against
//!   a module's [`ward_abi::KeyTable`], with the side table of node
//!   positions ([`NodeInfo`]) that locates findings and renders their paths.
//! - [`encode_input_into`] with [`encoding_size`]: the same encoding written
//!   straight into a region, such as a module's linear memory.
//! - The `_with_params` variants also write the values of the module's
//!   policy parameters (section 2.8); the others write an empty list.
//!
//! The layout itself (sizes, offsets, tags) is `ward_abi::layout`, which the
//! code generator and the reference reader `ward_abi::decode_input` share.
//! Like every part of the runtime, the encoder never panics: a document too
//! large for 32-bit offsets is an [`EncodeError`].

mod bytes;
mod encode;

pub use encode::{
    EncodeError, EncodeOptions, EncodedInput, EncodingSize, NodeInfo, NodeStep, encode_input,
    encode_input_into, encode_input_into_with_params, encode_input_with, encode_input_with_params,
    encoding_size, encoding_size_with_params,
};
