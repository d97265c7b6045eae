fn main() {
    // Node's symbols are resolved when the addon is loaded, not when it is
    // linked; napi-build sets the linker flags that allow it on each system.
    napi_build::setup();
}
