using System.Globalization;
using Microsoft.CodeAnalysis.CSharp;

namespace EventDriven.Generators.Helpers
{
    /// <summary>C# text for constants, invariant culture: the one place generated code gets its literals from.</summary>
    internal static class Literals
    {
        /// <summary>
        /// A constant value as C#. FormatPrimitive writes no type suffix, so decimals and floating-point values get one (a decimal
        /// written as a double literal loses digits), and non-finite floating-point values are named, since 'NaN' is not a literal.
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

        /// <summary>An enum member's underlying value, as FormatPrimitive writes it; the caller casts it to the enum type.</summary>
        public static string EnumValue(object value) => SymbolDisplay.FormatPrimitive(value, quoteStrings: true, useHexadecimalNumbers: false);

        /// <summary>A string literal.</summary>
        public static string String(string value) => SymbolDisplay.FormatLiteral(value, quote: true);

        /// <summary>A string literal, or <c>null</c>.</summary>
        public static string StringOrNull(string? value) => value is null ? "null" : String(value);

        /// <summary><c>true</c> or <c>false</c>.</summary>
        public static string Bool(bool value) => value ? "true" : "false";

        /// <summary>An integer, invariant culture.</summary>
        public static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);

        /// <summary>Text for an XML documentation comment.</summary>
        public static string Xml(string value) => value.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
    }
}
