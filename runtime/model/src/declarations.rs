//! The parameter declarations of a CloudFormation template, which rules
//! read with `parameter(x)`.

use crate::model::{Document, InputKind, Node, Value};

impl Document {
    /// The `Parameters` section of a CloudFormation template as written
    /// (an object from each parameter's name to its declaration: `Type`,
    /// `Default`, `NoEcho`, `AllowedValues`, ...); `None` for other inputs
    /// and for a template without one.
    pub fn parameter_declarations(&self) -> Option<&Node> {
        if self.kind != InputKind::CloudFormation {
            return None;
        }
        self.root
            .get("Parameters")
            .filter(|section| matches!(section.value, Value::Object(_)))
    }

    /// The declaration of the parameter `name`, as
    /// [`Document::parameter_declarations`] holds it.
    pub fn parameter_declaration(&self, name: &str) -> Option<&Node> {
        self.parameter_declarations()?.get(name)
    }
}
