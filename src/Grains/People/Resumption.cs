namespace GridGov.Grains.People;

/// <summary>
/// How a workflow grain finishes what it has decided even when its caller goes away. A durable reminder, armed before
/// the decision is written and dropped once the workflow is done, reactivates the grain after a crash; a step that
/// failed while a caller waited is retried once, shortly, by a timer, so a passing failure does not wait for the
/// reminder. Every step of a workflow is idempotent, so running one again is always safe.
/// </summary>
internal static class Resumption
{
    private const string Reminder = "resume";

    private static readonly TimeSpan ReminderPeriod = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(1);

    /// <summary>Records the decided workflow; the reminder is armed first, and one that finds nothing to do drops itself.</summary>
    public static async Task BeginAsync<T>(this Grain grain, IPersistentState<WorkflowState<T>> state, T pending)
        where T : class
    {
        await grain.RegisterOrUpdateReminder(Reminder, ReminderPeriod, ReminderPeriod);
        state.State.Pending = pending;
        await state.WriteStateAsync();
    }

    /// <summary>Carries on the workflow the state holds (from the reminder or the retry timer), or drops the reminder.</summary>
    public static Task ResumeAsync<T>(this Grain grain, IPersistentState<WorkflowState<T>> state, Func<T, Task> carryOn)
        where T : class =>
        state.State.Pending is { } pending ? carryOn(pending) : DisarmAsync(grain);

    /// <summary>Forgets the workflow (finished, or refused so that nothing is left to do) and drops the reminder.</summary>
    public static async Task EndAsync<T>(this Grain grain, IPersistentState<WorkflowState<T>> state)
        where T : class
    {
        state.State.Pending = null;
        await state.ClearStateAsync();
        await DisarmAsync(grain);
    }

    public static void RetrySoon(this Grain grain, Func<Task> resume) =>
        grain.RegisterGrainTimer(resume, RetryAfter, Timeout.InfiniteTimeSpan);

    private static async Task DisarmAsync(Grain grain)
    {
        if (await grain.GetReminder(Reminder) is { } reminder)
        {
            await grain.UnregisterReminder(reminder);
        }
    }
}
