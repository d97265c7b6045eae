//! The static types the checker infers.
//!
//! Ward is dynamically typed at run time (properties come from documents);
//! the checker knows a type only where the source fixes it (literals,
//! builtin results) and uses `any` elsewhere, so it reports only mistakes
//! that are certain.

use std::fmt;

/// A static type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Ty {
    /// Not known statically: a property, a parameter.
    Any,
    /// `null`.
    Null,
    /// `true` or `false` (or unknown at run time).
    Bool,
    /// A number.
    Number,
    /// A string.
    String,
    /// A list.
    List,
    /// An object.
    Object,
    /// One resource.
    Resource,
    /// A list of resources.
    ResourceList,
}

impl Ty {
    /// Whether a value of type `self` may be used where `expected` is wanted.
    pub fn fits(self, expected: Ty) -> bool {
        match (self, expected) {
            (Ty::Any, _) | (_, Ty::Any) => true,
            (Ty::Null, _) => true,
            (Ty::ResourceList, Ty::List) => true,
            (a, b) => a == b,
        }
    }

    /// Whether the type is a list of any kind.
    pub fn is_list(self) -> bool {
        matches!(self, Ty::List | Ty::ResourceList)
    }
}

impl fmt::Display for Ty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Ty::Any => "any",
            Ty::Null => "null",
            Ty::Bool => "bool",
            Ty::Number => "number",
            Ty::String => "string",
            Ty::List => "list",
            Ty::Object => "object",
            Ty::Resource => "resource",
            Ty::ResourceList => "list of resources",
        })
    }
}
