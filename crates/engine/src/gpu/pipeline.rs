//! Pipeline cache keyed by `(Kernel, Specialization)`: each variant is compiled once per device.

use std::collections::HashMap;
use std::sync::Mutex;

use super::kernels::{Kernel, Specialization};
use crate::error::{EngineError, Result};

/// Compiled compute pipelines, one per kernel variant.
#[derive(Default)]
pub(crate) struct PipelineCache {
    map: Mutex<HashMap<(Kernel, Specialization), wgpu::ComputePipeline>>,
}

impl PipelineCache {
    /// The pipeline for `kernel`/`spec`, compiling it on first use.
    pub fn get(
        &self,
        device: &wgpu::Device,
        kernel: Kernel,
        spec: Specialization,
    ) -> Result<wgpu::ComputePipeline> {
        let mut map = self
            .map
            .lock()
            .map_err(|_| EngineError::Gpu("pipeline cache lock poisoned".into()))?;
        if let Some(p) = map.get(&(kernel, spec)) {
            return Ok(p.clone());
        }
        let label = format!("{kernel:?}/{spec:?}");
        let module = device.create_shader_module(wgpu::ShaderModuleDescriptor {
            label: Some(&label),
            source: wgpu::ShaderSource::Wgsl(kernel.source(spec)),
        });
        let constants = kernel.constants(spec);
        let pipeline = device.create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
            label: Some(&label),
            layout: None,
            module: &module,
            entry_point: Some("main"),
            compilation_options: wgpu::PipelineCompilationOptions {
                constants: &constants,
                zero_initialize_workgroup_memory: false,
            },
            cache: None,
        });
        map.insert((kernel, spec), pipeline.clone());
        Ok(pipeline)
    }

    /// Number of compiled pipelines.
    pub fn len(&self) -> usize {
        self.map.lock().map(|m| m.len()).unwrap_or(0)
    }
}
