package io.haprobe.benchmarks;

import com.sun.jdi.Bootstrap;
import com.sun.jdi.Field;
import com.sun.jdi.IntegerValue;
import com.sun.jdi.ReferenceType;
import com.sun.jdi.Value;
import com.sun.jdi.VirtualMachine;
import com.sun.jdi.connect.AttachingConnector;
import com.sun.jdi.connect.Connector;
import com.sun.jdi.connect.LaunchingConnector;
import com.sun.jdi.event.ClassPrepareEvent;
import com.sun.jdi.event.Event;
import com.sun.jdi.event.EventQueue;
import com.sun.jdi.event.EventSet;
import com.sun.jdi.event.MethodEntryEvent;
import com.sun.jdi.event.ModificationWatchpointEvent;
import com.sun.jdi.event.VMDeathEvent;
import com.sun.jdi.event.VMDisconnectEvent;
import com.sun.jdi.request.ClassPrepareRequest;
import com.sun.jdi.request.EventRequest;
import com.sun.jdi.request.EventRequestManager;
import com.sun.jdi.request.MethodEntryRequest;
import io.haprobe.engine.HealthEvent;
import io.haprobe.engine.Simulation;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counts the reference stores into haprobe's objects per steady check, through the JDK's debugger interface (JDI
 * modification watchpoints on every non-final reference field of every {@code io.haprobe} class). Why it matters:
 * with G1, each reference stored into an old object (a server's checker, driver, session, connection, all
 * long-lived) runs the post-write barrier, which dirties the object's card and queues it for a concurrent
 * refinement thread to scan; at 10,000 simulated servers that was a whole refinement thread busy beside the
 * simulation (benchmarks/README.md, "Eighth round"). A null store costs nothing (the barrier filters it), so the
 * table gives the non-null stores, and how many of them stored the value the field already held.
 *
 * <p>Two ways to run it, from the repository root after {@code mvn -B package -pl benchmarks -am -DskipTests}:
 * <pre>{@code
 * # a simulation of 100 HTTP servers (inter 2s), watched for 2 virtual seconds after 20 of warm-up
 * java -cp benchmarks/target/benchmarks.jar io.haprobe.benchmarks.StoreWatch sim 100 http 2
 * # a running JVM started with -agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address=127.0.0.1:5056
 * java -cp benchmarks/target/benchmarks.jar io.haprobe.benchmarks.StoreWatch attach 5056 10
 * }</pre>
 * {@code sim} launches the simulation in a second JVM (JDI's command-line launcher, the benchmarks jar as its
 * class path), counts between the end of its warm-up and the end of its run, and prints the checks completed in
 * between; the launched JVM ends with the run (it is killed if this tool fails first). {@code attach} counts for
 * the given wall seconds, then detaches. Stores into arrays and JDK classes are not counted (JDI watches fields).
 * Every store stops the watched thread for a moment: the watched program runs hundreds of times slower, so keep
 * it small (100 servers, a few seconds). A development tool, not a benchmark: it measures no time.
 */
public final class StoreWatch {

    private StoreWatch() {
    }

    /**
     * Runs the tool.
     *
     * @param args {@code sim SERVERS CHECK SECONDS} ({@code CHECK}: {@code http} or {@code tcp}) or
     *             {@code attach PORT SECONDS}
     * @throws Exception when the debugger connection fails
     */
    public static void main(String[] args) throws Exception {
        if (args.length == 4 && args[0].equals("sim")) {
            watchSimulation(args[1], args[2], args[3]);
        } else if (args.length == 3 && args[0].equals("attach")) {
            watchFor(attach(args[1]), Long.parseLong(args[2]));
        } else {
            System.err.println("usage: StoreWatch sim SERVERS CHECK SECONDS | StoreWatch attach PORT SECONDS");
            System.exit(1);
        }
    }

    private static void watchSimulation(String servers, String check, String seconds) throws Exception {
        LaunchingConnector launcher = Bootstrap.virtualMachineManager().defaultConnector();
        Map<String, Connector.Argument> arguments = launcher.defaultArguments();
        arguments.get("options").setValue("-cp " + System.getProperty("java.class.path"));
        arguments.get("main").setValue(Target.class.getName() + " " + servers + " " + check + " " + seconds);
        VirtualMachine vm = launcher.launch(arguments);
        Process process = vm.process();
        Thread out = drain(process.getInputStream());
        Thread err = drain(process.getErrorStream());
        try {
            Counts counts = new Counts();
            EventRequestManager requests = vm.eventRequestManager();
            MethodEntryRequest markers = requests.createMethodEntryRequest();
            markers.addClassFilter(Target.class.getName());
            markers.setSuspendPolicy(EventRequest.SUSPEND_EVENT_THREAD);
            markers.enable();
            ClassPrepareRequest loads = requests.createClassPrepareRequest();
            loads.addClassFilter("io.haprobe.*");
            loads.setSuspendPolicy(EventRequest.SUSPEND_EVENT_THREAD);
            loads.enable();
            vm.resume();
            EventQueue queue = vm.eventQueue();
            boolean watching = false;
            boolean over = false;
            while (!over) {
                EventSet events = queue.remove();
                for (Event event : events) {
                    if (event instanceof MethodEntryEvent entry && entry.method().name().equals("phase")) {
                        int phase = ((IntegerValue) entry.thread().frame(0).getArgumentValues().get(0)).value();
                        if (phase == 1) {
                            watchAll(vm, requests);
                            watching = true;
                        } else {
                            requests.deleteEventRequests(requests.modificationWatchpointRequests());
                            counts.print();
                            watching = false;
                        }
                    } else if (event instanceof ClassPrepareEvent prepared && watching) {
                        watch(requests, prepared.referenceType());
                    } else if (event instanceof ModificationWatchpointEvent store) {
                        counts.add(store);
                    } else if (event instanceof VMDeathEvent || event instanceof VMDisconnectEvent) {
                        over = true;
                    }
                }
                if (!over) {
                    events.resume();
                }
            }
            out.join(10_000);
            err.join(10_000);
        } finally {
            if (process.isAlive()) {
                process.destroyForcibly();
            }
        }
    }

    private static VirtualMachine attach(String port) throws Exception {
        AttachingConnector socket = Bootstrap.virtualMachineManager().attachingConnectors().stream()
                .filter(c -> c.name().equals("com.sun.jdi.SocketAttach")).findFirst()
                .orElseThrow(() -> new IllegalStateException("no socket attaching connector in this JDK"));
        Map<String, Connector.Argument> arguments = socket.defaultArguments();
        arguments.get("hostname").setValue("127.0.0.1");
        arguments.get("port").setValue(port);
        return socket.attach(arguments);
    }

    private static void watchFor(VirtualMachine vm, long seconds) throws Exception {
        Counts counts = new Counts();
        EventRequestManager requests = vm.eventRequestManager();
        ClassPrepareRequest loads = requests.createClassPrepareRequest();
        loads.addClassFilter("io.haprobe.*");
        loads.setSuspendPolicy(EventRequest.SUSPEND_EVENT_THREAD);
        loads.enable();
        watchAll(vm, requests);
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        EventQueue queue = vm.eventQueue();
        while (System.nanoTime() < end) {
            EventSet events = queue.remove(100);
            if (events == null) {
                continue;
            }
            for (Event event : events) {
                if (event instanceof ClassPrepareEvent prepared) {
                    watch(requests, prepared.referenceType());
                } else if (event instanceof ModificationWatchpointEvent store) {
                    counts.add(store);
                }
            }
            events.resume();
        }
        requests.deleteEventRequests(requests.modificationWatchpointRequests());
        requests.deleteEventRequests(requests.classPrepareRequests());
        counts.print();
        vm.dispose();
    }

    private static void watchAll(VirtualMachine vm, EventRequestManager requests) {
        for (ReferenceType type : vm.allClasses()) {
            if (type.name().startsWith("io.haprobe.") && type.isPrepared()) {
                watch(requests, type);
            }
        }
    }

    /** Watches every non-final field of {@code type} that holds a reference (an object or an array). */
    private static void watch(EventRequestManager requests, ReferenceType type) {
        for (Field field : type.fields()) {
            String signature = field.signature();
            if (field.isFinal() || !(signature.startsWith("L") || signature.startsWith("["))) {
                continue;
            }
            EventRequest request = requests.createModificationWatchpointRequest(field);
            request.setSuspendPolicy(EventRequest.SUSPEND_EVENT_THREAD);
            request.enable();
        }
    }

    private static Thread drain(InputStream from) {
        Thread thread = new Thread(() -> {
            try {
                from.transferTo(System.out);
            } catch (IOException gone) {
                // the target ended
            }
        }, "store-watch-drain");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /** Stores per field: all, non-null, non-null of the value already held. */
    private static final class Counts {

        private final Map<String, long[]> byField = new TreeMap<>();

        void add(ModificationWatchpointEvent store) {
            Field field = store.field();
            Value next = store.valueToBe();
            Value held = store.object() == null ? field.declaringType().getValue(field) : store.object().getValue(field);
            long[] n = byField.computeIfAbsent(field.declaringType().name() + '.' + field.name(), k -> new long[3]);
            n[0]++;
            if (next != null) {
                n[1]++;
                if (next.equals(held)) {
                    n[2]++;
                }
            }
        }

        void print() {
            System.out.printf("%-80s %8s %8s %8s%n", "field", "stores", "non-null", "same");
            byField.entrySet().stream()
                    .sorted((a, b) -> Long.compare(b.getValue()[1], a.getValue()[1]))
                    .forEach(e -> System.out.printf("%-80s %8d %8d %8d%n", e.getKey(), e.getValue()[0],
                            e.getValue()[1], e.getValue()[2]));
        }
    }

    /**
     * The watched simulation, in its own JVM: SERVERS servers of one backend at {@code inter 2s}, every scripted
     * backend answering at once ({@link SimulationBenchmark#steadySimulation}); 20 virtual seconds of warm-up, then
     * {@code phase(1)}, SECONDS more, {@code phase(2)}, and the number of checks completed in between.
     */
    public static final class Target {

        private static long completed;

        private Target() {
        }

        /**
         * A marker the watcher stops at: 1 when the watched window opens, 2 when it closes.
         *
         * @param phase 1 or 2
         */
        public static void phase(int phase) {
            // the watcher reads the argument
        }

        /**
         * Runs the simulation.
         *
         * @param args SERVERS, CHECK ({@code http} or {@code tcp}), SECONDS
         */
        public static void main(String[] args) {
            Simulation watched = SimulationBenchmark.steadySimulation(Integer.parseInt(args[0]), args[1], event -> {
                if (event instanceof HealthEvent.CheckCompleted) {
                    completed++;
                }
            });
            try (Simulation simulation = watched) {
                simulation.runFor(Duration.ofSeconds(20));
                long before = completed;
                phase(1);
                simulation.runFor(Duration.ofSeconds(Long.parseLong(args[2])));
                phase(2);
                System.out.println("checks completed while watched: " + (completed - before));
            }
        }
    }
}
