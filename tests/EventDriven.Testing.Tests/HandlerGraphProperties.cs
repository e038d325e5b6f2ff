// The property runs the async check to completion on the test thread.
#pragma warning disable xUnit1031

using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace EventDriven.Testing.Tests;

/// <summary>
/// Random handler graphs — fan-out through two handlers, follow-ups published synchronously and after an await, first attempts that
/// fail and are retried, one to three partitions — after <c>WhenIdleAsync</c> the recorded runs equal an oracle's, every run.
/// </summary>
public sealed class HandlerGraphProperties
{
    /// <summary>A tree of nodes: node k (k ≥ 1) hangs under an earlier node, published by handler A or B; some first attempts fail.</summary>
    public sealed record Graph(int Partitions, (int Parent, bool ByA)[] Nodes, (bool A, bool B)[] FailFirst);

    public static Arbitrary<Graph> Graphs()
        => (from partitions in Gen.Choose(1, 3)
            from size in Gen.Choose(1, 30)
            from parents in Gen.ArrayOf(Gen.Choose(0, 1000), size)
            from byA in Gen.ArrayOf(Gen.Elements(true, false), size)
            from failA in Gen.ArrayOf(Gen.Frequency((1, Gen.Constant(true)), (4, Gen.Constant(false))), size + 1)
            from failB in Gen.ArrayOf(Gen.Frequency((1, Gen.Constant(true)), (4, Gen.Constant(false))), size + 1)
            select new Graph(
                partitions,
                [.. Enumerable.Range(0, size).Select(i => (parents[i] % (i + 1), byA[i]))],
                [.. Enumerable.Range(0, size + 1).Select(i => (failA[i], failB[i]))]))
        .ToArbitrary();

    [Property(MaxTest = 40, Arbitrary = [typeof(HandlerGraphProperties)])]
    public void Property_AfterWhenIdle_EveryNodeIsHandledOnceByEachHandler_AndTheFailuresAreTheScriptedOnes(Graph graph)
        => CheckAsync(graph).GetAwaiter().GetResult();

    private static async Task CheckAsync(Graph graph)
    {
        await using var host = new HarnessHost(o => o.Partitions = graph.Partitions);
        GraphScript script = host.Get<GraphScript>();
        for (int i = 0; i < graph.Nodes.Length; i++)
        {
            (int parent, bool publishedByA) = graph.Nodes[i];
            (string, int) key = (publishedByA ? "A" : "B", parent);
            script.Children[key] = [.. script.Children.GetValueOrDefault(key, []), i + 1];
        }

        for (int node = 0; node < graph.FailFirst.Length; node++)
        {
            if (graph.FailFirst[node].A)
            {
                script.FailFirst.Add(("A", node));
            }

            if (graph.FailFirst[node].B)
            {
                script.FailFirst.Add(("B", node));
            }
        }

        await host.Bus.PublishAsync(new GraphNode(0));
        await host.Harness.WhenIdleAsync();

        // The oracle: every node of the tree reaches both handlers once; the failed runs are exactly the scripted first attempts.
        int[] nodes = [.. Enumerable.Range(0, graph.Nodes.Length + 1)];
        int[] byA = [.. host.Harness.HandledBy<GraphNode>(typeof(GraphHandlerA)).Select(static n => n.Node).Order()];
        int[] byB = [.. host.Harness.HandledBy<GraphNode>(typeof(GraphHandlerB)).Select(static n => n.Node).Order()];
        var failed = host.Harness.Failed.Select(r => (r.HandlerName.EndsWith('A') ? "A" : "B", host.Harness.Published.First(e => e.Id == r.EventId) is GraphNode n ? n.Node : -1)).ToHashSet();
        string dump = string.Join("\n", host.Harness.Handled.Select(r => $"{r.HandlerName} {r.EventId} {((GraphNode)host.Harness.Published.First(e => e.Id == r.EventId)).Node} {r.Error}")) + "\nchildren: " + string.Join(", ", script.Children.Select(c => $"{c.Key}->[{string.Join(",", c.Value)}]")) + "\nfail: " + string.Join(",", script.FailFirst);
        Assert.True(nodes.SequenceEqual(byA), dump);
        Assert.True(nodes.SequenceEqual(byB), dump);
        Assert.Equal(script.FailFirst.Order(), failed.Order());
        Assert.Equal(nodes.Length, host.Harness.Published.Count);
        Assert.Empty(host.Harness.DeadLettered);
    }
}
