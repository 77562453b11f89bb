//! Parses and validates every kernel x specialization with naga, so a shader typo fails
//! `cargo test` even on a machine without any GPU adapter.

use super::kernels::Kernel;

#[cfg(not(target_arch = "wasm32"))]
#[test]
fn every_kernel_variant_parses_and_validates() {
    use super::kernels::Specialization;
    use wgpu::naga;
    for kernel in Kernel::ALL {
        for spec in kernel.variants() {
            let src = kernel.source(spec);
            let module = naga::front::wgsl::parse_str(&src)
                .unwrap_or_else(|e| panic!("{kernel:?}/{spec:?}: {}", e.emit_to_string(&src)));
            let mut validator = naga::valid::Validator::new(
                naga::valid::ValidationFlags::all(),
                naga::valid::Capabilities::all(),
            );
            validator
                .validate(&module)
                .unwrap_or_else(|e| panic!("{kernel:?}/{spec:?}: {}", e.emit_to_string(&src)));
            let has_op = src.contains("override OP");
            assert_eq!(
                has_op,
                matches!(spec, Specialization::Op(_)),
                "{kernel:?}: OP override mismatch"
            );
        }
    }
}

#[test]
fn every_kernel_file_has_a_header_naming_bindings_and_workgroup() {
    for kernel in Kernel::ALL {
        let body = kernel.body();
        assert!(body.starts_with("// "), "{kernel:?}: no header comment");
        let header: String = body.lines().take_while(|l| l.starts_with("//")).collect();
        assert!(
            header.contains("Bindings:"),
            "{kernel:?}: header lacks Bindings"
        );
        assert!(
            header.contains("Workgroup:"),
            "{kernel:?}: header lacks Workgroup"
        );
    }
}
