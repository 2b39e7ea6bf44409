/**
 * Finding a WebGPU device: the browser's `navigator.gpu`, or in Node Dawn (Chrome's own WebGPU)
 * from the `webgpu` npm package, an optional peer dependency that only GPU users install.
 */
/// <reference types="@webgpu/types" />
import { DeviceError } from "../../base/errors.js";
import { IS_NODE } from "../../base/node.js";

/** What a WebGPU backend needs of its device: the device and what the adapter offers. */
export interface GpuContext {
  readonly device: GPUDevice;
  /** The adapter's description (vendor, architecture, device), for tables and errors. */
  readonly description: string;
  readonly features: ReadonlySet<string>;
  /**
   * Whether kernels may reduce within subgroups: the adapter has the `subgroups` feature and WGSL
   * has `subgroup_id` (which subgroup a thread is in; without it a thread cannot tell where its
   * subgroup's result goes).
   */
  readonly subgroups: boolean;
  /** A CPU runs the shaders (a fallback adapter: Mesa's lavapipe, Chrome's SwiftShader); some kernels take another form there. */
  readonly fallback: boolean;
  /**
   * The GPU entry and adapter, held for the device's lifetime. NOTE: Dawn's instance (behind the
   * entry) owns the event loop that map callbacks run on; when the garbage collector took it while
   * the device lived, reads crashed or hung now and then (a destroyed mutex in its callback queue).
   */
  readonly keepAlive: readonly [GPU, GPUAdapter];
}

interface DawnModule {
  create(options: string[]): GPU;
  globals: Record<string, unknown>;
}

/** navigator.gpu where the engine has it; in Node, Dawn's, with its constants installed as globals. */
async function gpuEntry(): Promise<GPU> {
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  if (nav?.gpu) return nav.gpu;
  if (!IS_NODE) throw new DeviceError("webgpu: this engine has no WebGPU (navigator.gpu is missing); use an evergreen browser with WebGPU on");
  let dawn: DawnModule;
  try {
    const name = "webgpu"; // a variable, so that browser bundlers leave the Node-only package out
    dawn = (await import(/* @vite-ignore */ name)) as DawnModule;
  } catch (e) {
    throw new DeviceError(`webgpu: in Node the GPU backend needs the 'webgpu' package (Dawn): npm install webgpu (${(e as Error).message})`);
  }
  // GPUBufferUsage, GPUMapMode, … as a browser defines them.
  for (const [key, value] of Object.entries(dawn.globals)) if (!(key in globalThis)) (globalThis as Record<string, unknown>)[key] = value;
  return dawn.create([]);
}

const WANTED_FEATURES: GPUFeatureName[] = ["shader-f16", "subgroups", "timestamp-query"];

/** Asks for an adapter (high performance) and a device with the adapter's largest buffer limits. */
export async function openGpu(): Promise<GpuContext> {
  const gpu = await gpuEntry();
  const adapter = await gpu.requestAdapter({ powerPreference: "high-performance" });
  if (!adapter) {
    throw new DeviceError(
      "webgpu: no GPU adapter found. In Node on Linux, Dawn needs a Vulkan driver: a GPU's, or Mesa's software one (lavapipe: mesa-vulkan-drivers ≥ 25, e.g. from Debian's bookworm-backports)",
    );
  }
  const features = WANTED_FEATURES.filter((f) => adapter.features.has(f));
  const device = await adapter.requestDevice({
    requiredFeatures: features,
    requiredLimits: {
      maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
      maxBufferSize: adapter.limits.maxBufferSize,
      maxStorageBuffersPerShaderStage: adapter.limits.maxStorageBuffersPerShaderStage,
      maxComputeWorkgroupStorageSize: adapter.limits.maxComputeWorkgroupStorageSize,
    },
  });
  const info = adapter.info;
  const description = [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(" ") || "unknown adapter";
  // isFallbackAdapter moved from the adapter to its info in the spec; engines have one or the other.
  const fallback = (info as { isFallbackAdapter?: boolean }).isFallbackAdapter ?? (adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter ?? false;
  const subgroups = features.includes("subgroups") && (gpu.wgslLanguageFeatures?.has("subgroup_id") ?? false);
  return { device, description, features: new Set(features), subgroups, fallback, keepAlive: [gpu, adapter] };
}
