namespace EventDriven.Generators.Helpers
{
    /// <summary>netstandard2.0 has no System.HashCode; this is the same idea (FNV-style mixing), good enough for cache keys.</summary>
    internal static class HashCode
    {
        public static int Combine(int seed, int value)
        {
            unchecked
            {
                return (seed * -1521134295) + value;
            }
        }
    }
}
