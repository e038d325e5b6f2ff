using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

if (args is ["--idle-cpu", .. var idleArgs])
{
    return await EventDriven.Benchmarks.IdleCost.RunAsync(idleArgs);
}

if (args is ["--postgres-throughput", .. var postgresArgs])
{
    return await EventDriven.Benchmarks.Store.PostgresThroughput.RunAsync(postgresArgs);
}

if (args is ["--postgres-appender", .. var appenderArgs])
{
    return await EventDriven.Benchmarks.Store.PostgresThroughput.RunChildAsync(appenderArgs);
}

if (args is ["--rabbitmq-throughput", .. var rabbitArgs])
{
    return await EventDriven.Benchmarks.Transport.RabbitMqThroughput.RunAsync(rabbitArgs);
}

if (args is ["--rabbitmq-consumer", .. var consumerArgs])
{
    return await EventDriven.Benchmarks.Transport.RabbitMqThroughput.RunConsumerAsync(consumerArgs);
}

if (args is ["--store-throughput", .. var storeArgs])
{
    return await EventDriven.Benchmarks.Store.StoreThroughput.RunAsync(storeArgs);
}

if (args is ["--projection-throughput", .. var projectionArgs])
{
    return await EventDriven.Benchmarks.Projections.ProjectionThroughput.RunAsync(projectionArgs);
}

// `--quick`: a short in-process job so CI proves the benchmarks still compile and run; its numbers are not meant to be judged.
bool quick = args.Contains("--quick");
string[] rest = args.Where(a => a != "--quick").ToArray();
IConfig config = DefaultConfig.Instance.WithOptions(ConfigOptions.JoinSummary);
if (quick)
{
    config = config.AddJob(Job.Dry.WithToolchain(InProcessEmitToolchain.Instance).WithIterationCount(3).WithWarmupCount(1).WithId("Quick"));
    if (rest.Length == 0)
    {
        rest = ["--filter", "*"];
    }
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(rest, config);
return 0;
