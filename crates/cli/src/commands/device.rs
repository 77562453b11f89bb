//! `--device auto|cpu|gpu`: which engine device a command runs on. `auto` tries the GPU
//! and falls back to the CPU, saying so on stderr.

use brainprobe_engine::{Device, GpuOptions};
use clap::ValueEnum;

/// Device choice on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum DeviceChoice {
    /// The GPU if an adapter is found, else the CPU.
    #[default]
    Auto,
    /// The ndarray reference path.
    Cpu,
    /// The GPU (Vulkan natively); an error if there is no adapter.
    Gpu,
}

/// Opens the chosen device and reports it on stderr.
pub fn open(choice: DeviceChoice) -> Result<Device, String> {
    let device = match choice {
        DeviceChoice::Cpu => Device::Cpu,
        DeviceChoice::Gpu => pollster::block_on(Device::gpu(GpuOptions::default()))
            .map_err(|e| format!("no usable GPU adapter: {e} (use --device cpu)"))?,
        DeviceChoice::Auto => match pollster::block_on(Device::gpu(GpuOptions::default())) {
            Ok(d) => d,
            Err(e) => {
                eprintln!("brainprobe: no usable GPU adapter ({e}); running on the CPU");
                Device::Cpu
            }
        },
    };
    eprintln!("brainprobe: device: {}", device.describe());
    Ok(device)
}
