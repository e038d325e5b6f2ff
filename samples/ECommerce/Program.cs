using ECommerce.Cli;

// The main job: `dotnet run --project samples/ECommerce -c Release` (add --help for the options). The last line it prints is
// "invariants: OK", or "invariants: FAILED (...)" with exit code 1.
return await ShopCommand.Create().Parse(args).InvokeAsync();
