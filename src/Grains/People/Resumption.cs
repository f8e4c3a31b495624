namespace GridGov.Grains.People;

/// <summary>
/// How a workflow grain finishes what it has decided even when its caller goes away. A durable reminder, armed before
/// the decision is written and dropped once the workflow is done, reactivates the grain after a crash; a step that
/// failed while a caller waited is retried once, shortly, by a timer, so a passing failure does not wait for the
/// reminder. Every step of a workflow is idempotent, so running one again is always safe.
/// </summary>
internal static class Resumption
{
    public const string Reminder = "resume";

    private static readonly TimeSpan ReminderPeriod = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(1);

    public static Task ArmAsync(this Grain grain) => grain.RegisterOrUpdateReminder(Reminder, ReminderPeriod, ReminderPeriod);

    public static async Task DisarmAsync(this Grain grain)
    {
        if (await grain.GetReminder(Reminder) is { } reminder)
        {
            await grain.UnregisterReminder(reminder);
        }
    }

    public static void RetrySoon(this Grain grain, Func<Task> resume) =>
        grain.RegisterGrainTimer(resume, RetryAfter, Timeout.InfiniteTimeSpan);
}
