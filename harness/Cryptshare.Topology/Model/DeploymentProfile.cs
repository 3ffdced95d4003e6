namespace Cryptshare.Topology.Model;

/// <summary>How the Cryptshare Server is configured; decides which documented flows are required.</summary>
public sealed record DeploymentProfile(
    bool Appliance,
    bool Linux,
    int MailPort,
    bool Ldap,
    bool Ldaps,
    bool ActiveDirectoryGc,
    bool Archiving)
{
    public static readonly int[] MailPorts = [25, 465, 587];

    /// <summary>Whether a catalog requirement word holds under this profile.</summary>
    public bool Requires(string requirement) => requirement switch
    {
        "always" => true,
        "never" => false,
        "appliance" => Appliance,
        "linux" => Linux,
        "mail-25" => MailPort == 25,
        "mail-465" => MailPort == 465,
        "mail-587" => MailPort == 587,
        "ldap" => Ldap,
        "ldaps" => Ldaps,
        "active-directory-gc" => ActiveDirectoryGc,
        "archiving" => Archiving,
        _ => throw new ArgumentOutOfRangeException(nameof(requirement), requirement, "unknown requirement"),
    };

    public static readonly string[] RequirementWords =
        ["always", "never", "appliance", "linux", "mail-25", "mail-465", "mail-587", "ldap", "ldaps", "active-directory-gc", "archiving"];
}
