package io.warren.server.ops;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.netty.util.internal.PlatformDependent;

/** The meters about the process rather than Warren: JVM memory, GC, threads, CPU, files, Netty's memory. */
final class ProcessMeters {
    private ProcessMeters() {}

    static void bindTo(MeterRegistry registry) {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        if (ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider p) {
            Gauge.builder("netty.allocator.memory.used", p, a -> a.metric().usedDirectMemory())
                    .tag("type", "direct")
                    .baseUnit("bytes")
                    .description("Memory held by Netty's default buffer allocator")
                    .register(registry);
            Gauge.builder("netty.allocator.memory.used", p, a -> a.metric().usedHeapMemory())
                    .tag("type", "heap")
                    .baseUnit("bytes")
                    .description("Memory held by Netty's default buffer allocator")
                    .register(registry);
        }
        Gauge.builder("netty.direct.memory.used", PlatformDependent::usedDirectMemory)
                .baseUnit("bytes")
                .description("Direct memory Netty has reserved (-1 when not tracked)")
                .register(registry);
    }
}
