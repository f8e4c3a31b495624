using GridGov.Contracts.Territory;

namespace GridGov.Contracts.Cameras;

/// <summary>
/// The national video code of a camera: a GB/T 28181 device id of 20 digits. What is checked: 20 ASCII digits; digits
/// 1–6 (the administrative-division part of the centre code, GB/T 2260) are a district code, which must be the
/// district the camera is registered in; digits 11–13 (the device type) are one of the video devices that produce
/// pictures: 111 DVR, 112 video server, 113 encoder, 118 NVR, 131 camera, 132 network camera (IPC). Not checked:
/// digits 7–8 (the grass-roots unit), 9–10 (the industry code), 14 (the network) and 15–20 (the serial number).
/// </summary>
public static class CameraCodes
{
    public const int Length = 20;

    public static readonly IReadOnlyList<string> VideoDeviceTypes = ["111", "112", "113", "118", "131", "132"];

    /// <summary>Why <paramref name="code"/> is not a camera code of a district, or null when it is.</summary>
    public static string? Problem(string? code)
    {
        if (code is null || code.Length != Length || !code.All(char.IsAsciiDigit))
        {
            return "A camera code is a GB/T 28181 device id: 20 digits.";
        }

        var district = code[..DistrictCode.Length];
        if (!TerritoryCode.IsValid(district) || TerritoryCode.LevelOf(district) != TerritoryLevel.District)
        {
            return "Digits 1–6 of a camera code are its district's code.";
        }

        var type = code.Substring(10, 3);
        return VideoDeviceTypes.Contains(type)
            ? null
            : $"Digits 11–13 of a camera code are its device type, one of the video devices {string.Join(", ", VideoDeviceTypes)}; '{type}' is not.";
    }

    public static bool IsValid(string? code) => Problem(code) is null;
}
