using System.Globalization;
using Microsoft.CodeAnalysis.CSharp;

namespace EventDriven.Generators.Helpers
{
    /// <summary>C# text for constants, invariant culture.</summary>
    internal static class Literals
    {
        /// <summary>
        /// A constant value as C#. FormatPrimitive writes no type suffix, so decimals and floats get one (a decimal written as a double
        /// literal loses digits), and non-finite floating-point values are named, since 'NaN' is not a literal.
        /// </summary>
        public static string Constant(object value) => value switch
        {
            double d when double.IsNaN(d) => "double.NaN",
            double d when double.IsPositiveInfinity(d) => "double.PositiveInfinity",
            double d when double.IsNegativeInfinity(d) => "double.NegativeInfinity",
            double d => d.ToString("R", CultureInfo.InvariantCulture) + "d",
            float f when float.IsNaN(f) => "float.NaN",
            float f when float.IsPositiveInfinity(f) => "float.PositiveInfinity",
            float f when float.IsNegativeInfinity(f) => "float.NegativeInfinity",
            float f => f.ToString("R", CultureInfo.InvariantCulture) + "f",
            decimal m => m.ToString(CultureInfo.InvariantCulture) + "m",
            _ => SymbolDisplay.FormatPrimitive(value, quoteStrings: true, useHexadecimalNumbers: false),
        };

        /// <summary>A string literal.</summary>
        public static string String(string value) => SymbolDisplay.FormatLiteral(value, quote: true);
    }
}
